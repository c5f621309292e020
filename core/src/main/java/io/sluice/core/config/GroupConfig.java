package io.sluice.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A table group: a named set of tables (names or {@code *} patterns) with its own topic,
 * partitions, workers and checkpoints.
 *
 * @param truncate this group's TRUNCATE policy; empty means the pipeline's {@code apply.truncate}
 * @param onBadData this group's bad-data policy; empty means the pipeline's {@code
 *     apply.on-bad-data}
 * @param keyColumns key columns for tables without a primary key, by qualified table name
 * @param excludeColumns columns left out of capture, by qualified table name: never read from the
 *     source, never sent to Kafka, not created on the target
 * @param alertLag this group's lag warning threshold; empty means the pipeline's {@code alerts.lag}
 * @param alertPaused how long this group may stay paused before an alert; empty means the
 *     pipeline's {@code alerts.paused}
 * @param verifyInterval how often this group is verified on a schedule; empty means the pipeline's
 *     {@code verify.interval}, zero never
 * @param query how query capture follows the group's tables (watermark columns, modes)
 */
public record GroupConfig(
    String name,
    List<TablePattern> tables,
    int partitions,
    Optional<TruncatePolicy> truncate,
    Optional<BadDataPolicy> onBadData,
    Map<String, List<String>> keyColumns,
    Map<String, List<String>> excludeColumns,
    Optional<Duration> alertLag,
    Optional<Duration> alertPaused,
    Optional<Duration> verifyInterval,
    QueryTables query) {
  public GroupConfig {
    tables = List.copyOf(tables);
    keyColumns = sortedCopy(keyColumns);
    excludeColumns = sortedCopy(excludeColumns);
  }

  private static Map<String, List<String>> sortedCopy(Map<String, List<String>> byTable) {
    TreeMap<String, List<String>> copy = new TreeMap<>();
    byTable.forEach((t, cols) -> copy.put(t, List.copyOf(cols)));
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** The columns of the table (by qualified name) that capture leaves out. */
  public List<String> excludedColumns(String table) {
    return excludeColumns.getOrDefault(table, List.of());
  }

  public GroupConfig(String name, List<TablePattern> tables, int partitions) {
    this(
        name,
        tables,
        partitions,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        QueryTables.NONE);
  }

  /** The dead-letter topic of a group whose topic is the given one. */
  public static String deadLetterTopic(String groupTopic) {
    return groupTopic + ".dead-letter";
  }
}
