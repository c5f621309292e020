package io.sluice.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test's private slice of a shared {@link EmbeddedInfrastructure}: a fresh source database, a
 * fresh target database, and prefixes for its Kafka topics and DynamoDB tables, all derived from
 * the test's name plus a per-JVM counter so that no two slices collide.
 *
 * <p>{@code id} is the sanitized name ({@code [a-z0-9_]}, at most 40 characters) with the counter
 * appended; it is also the topic prefix. Closing drops both databases, with any replication slots
 * in them, so abandoned slots do not pin WAL on the shared source.
 *
 * @param infrastructure the servers this slice lives on
 * @param id unique, lowercase identifier of this slice
 * @param sourceDatabase database created on {@code infrastructure.source()}
 * @param targetDatabase database created on {@code infrastructure.target()}
 * @param topicPrefix prefix for Kafka topics (and Debezium's {@code topic.prefix})
 * @param dynamoDbTablePrefix prefix for DynamoDB table names, ending in {@code _}
 */
public record TestIsolation(
    EmbeddedInfrastructure infrastructure,
    String id,
    String sourceDatabase,
    String targetDatabase,
    String topicPrefix,
    String dynamoDbTablePrefix)
    implements AutoCloseable {

  private static final int MAX_NAME_LENGTH = 40;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** Creates the two databases for {@code testName} on the shared infrastructure. */
  public static TestIsolation create(String testName) {
    return create(EmbeddedInfrastructure.shared(), testName);
  }

  /** Creates the two databases for {@code testName} on {@code infrastructure}. */
  public static TestIsolation create(EmbeddedInfrastructure infrastructure, String testName) {
    String id = sanitize(testName) + "_" + COUNTER.incrementAndGet();
    String sourceDatabase = id + "_src";
    String targetDatabase = id + "_tgt";
    infrastructure.source().createDatabase(sourceDatabase);
    try {
      infrastructure.target().createDatabase(targetDatabase);
    } catch (RuntimeException e) {
      infrastructure.source().dropDatabase(sourceDatabase);
      throw e;
    }
    return new TestIsolation(infrastructure, id, sourceDatabase, targetDatabase, id, id + "_");
  }

  /** Lowercase {@code [a-z0-9_]}, starting with a letter, at most 40 characters. */
  static String sanitize(String testName) {
    String sanitized =
        testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (sanitized.isEmpty() || !Character.isLetter(sanitized.charAt(0))) {
      sanitized = "t_" + sanitized;
    }
    return sanitized.length() <= MAX_NAME_LENGTH
        ? sanitized
        : sanitized.substring(0, MAX_NAME_LENGTH).replaceAll("_+$", "");
  }

  public String sourceJdbcUrl() {
    return infrastructure.source().jdbcUrl(sourceDatabase);
  }

  public String targetJdbcUrl() {
    return infrastructure.target().jdbcUrl(targetDatabase);
  }

  /** A new connection to the source database; the caller closes it. */
  public Connection connectSource() throws SQLException {
    return infrastructure.source().connect(sourceDatabase);
  }

  /** A new connection to the target database; the caller closes it. */
  public Connection connectTarget() throws SQLException {
    return infrastructure.target().connect(targetDatabase);
  }

  /**
   * A pipeline file over this slice: named after it, its two databases, its topic prefix, its
   * DynamoDB table prefix, and these groups (a YAML list, one item per group).
   */
  public String pipelineYaml(String groupsYaml) {
    return pipelineYaml("", groupsYaml);
  }

  /**
   * As {@link #pipelineYaml(String)}, with more top-level sections ({@code capture:}, {@code
   * apply:}) before the groups, each line ending in a newline.
   */
  public String pipelineYaml(String settingsYaml, String groupsYaml) {
    return """
        pipeline:
          name: %s
        %s%sgroups:
        %s
        """
        .formatted(
            id,
            infrastructure.connectionYaml(
                sourceDatabase, targetDatabase, topicPrefix, dynamoDbTablePrefix),
            settingsYaml,
            groupsYaml.indent(2).stripTrailing());
  }

  /** Drops both databases (and the source database's replication slots). */
  @Override
  public void close() {
    try {
      infrastructure.source().dropDatabase(sourceDatabase);
    } finally {
      infrastructure.target().dropDatabase(targetDatabase);
    }
  }
}
