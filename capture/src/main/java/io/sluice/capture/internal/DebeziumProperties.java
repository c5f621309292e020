package io.sluice.capture.internal;

import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.config.InitialLoad;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TargetLayout;
import java.util.Collection;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The Debezium engine settings sluice runs with, and why each one is set. */
public final class DebeziumProperties {
  /**
   * Session settings for every connection Debezium opens to the source; {@code money} is read in
   * the C locale, in which apply writes it back (two fraction digits), so its whole number of cents
   * travels unchanged.
   */
  public static final String SESSION_OPTIONS =
      "-c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex -c lc_monetary=C";

  private DebeziumProperties() {}

  public static Properties of(PipelineConfig config, Collection<TableId> tables) {
    return of(config, tables, Optional.empty());
  }

  /**
   * @param lease the capture lease this process holds, when capture runs under one: offset writes
   *     are then conditional on it
   */
  public static Properties of(
      PipelineConfig config, Collection<TableId> tables, Optional<Lease> lease) {
    Properties p = new Properties();
    p.setProperty("name", "sluice-" + config.name());
    p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    p.setProperty("topic.prefix", config.name());
    p.setProperty("database.hostname", config.source().host());
    p.setProperty("database.port", Integer.toString(config.source().port()));
    p.setProperty("database.user", config.source().user());
    p.setProperty("database.password", config.source().password().value());
    p.setProperty("database.dbname", config.source().database());
    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", config.source().slot());
    p.setProperty("publication.name", config.source().publication());
    // sluice keeps the publication's table list itself (PublicationSetup), so Debezium must not.
    p.setProperty("publication.autocreate.mode", "disabled");
    p.setProperty("table.include.list", includeList(tables));
    // Tables without a primary key are keyed by their configured key columns, so that Debezium
    // turns an update of those columns into a delete of the old key and an insert of the new.
    String keyColumns = messageKeyColumns(config);
    if (!keyColumns.isEmpty()) {
      p.setProperty("message.key.columns", keyColumns);
    }
    // Columns a group leaves out are never read: not by the snapshot, not into records.
    // sluice's own position column, on a source that is a sluice target too (after a cutover),
    // neither.
    String excluded = excludedColumns(config);
    p.setProperty(
        "column.exclude.list",
        (excluded.isEmpty() ? "" : excluded + ",")
            + ".+\\."
            + Pattern.quote(TargetLayout.POSITION_COLUMN));
    // Under the copy load, sluice copies the rows itself and Debezium only streams from the slot.
    p.setProperty(
        "snapshot.mode",
        config.capture().load().method() == InitialLoad.COPY ? "no_data" : "initial");
    // Exact values: every column travels as the PostgreSQL text of its value. The snapshot reads
    // each column as text, and one converter writes streamed values back to text.
    p.setProperty("snapshot.query.mode", "custom");
    p.setProperty("snapshot.query.mode.custom.name", TextSnapshotQuery.NAME);
    p.setProperty("converters", "sluice");
    p.setProperty("sluice.type", PostgresTextConverter.class.getName());
    // A value the converter cannot write exactly stops capture; Debezium's default writes NULL.
    p.setProperty("event.converting.failure.handling.mode", "fail");
    // Types Debezium has no decoder for then arrive as their text instead of as NULL.
    p.setProperty("include.unknown.datatypes", "true");
    p.setProperty("unavailable.value.placeholder", SourceRecordMapper.UNCHANGED_PLACEHOLDER);
    // The server's text forms that the converter and the target read back, whatever the source's
    // defaults: intervals as pgjdbc parses them, floats to the last bit, bytea in hex, money in
    // the C locale. The replication connection takes these too.
    p.setProperty("database.options", SESSION_OPTIONS);
    // Truncates are changes too; apply honours them.
    p.setProperty("skipped.operations", "none");
    p.setProperty("tombstones.on.delete", "false");
    // The heartbeat writes to a captured table so an idle source's slot keeps advancing.
    p.setProperty(
        "heartbeat.interval.ms", Long.toString(config.capture().heartbeatInterval().toMillis()));
    p.setProperty("heartbeat.action.query", PublicationSetup.heartbeatSql(config.name()));
    // How long the engine waits for changes when it has none: at low rates this wait is the
    // lag capture adds, so it is short (an idle engine wakes 100 times a second).
    p.setProperty("poll.interval.ms", "10");
    p.setProperty("offset.flush.interval.ms", "1000");
    p.setProperty("offset.flush.timeout.ms", "10000");
    p.setProperty("errors.max.retries", "0");
    StateTables state = new StateTables(config.dynamoDb().tablePrefix());
    DynamoDbOffsetBackingStore.engineProperties(config.dynamoDb(), state, config.name())
        .forEach(p::setProperty);
    lease.ifPresent(l -> DynamoDbOffsetBackingStore.fencedBy(state, l).forEach(p::setProperty));
    return p;
  }

  private static String messageKeyColumns(PipelineConfig config) {
    return config.groups().stream()
        .flatMap(g -> g.keyColumns().entrySet().stream())
        .map(e -> Pattern.quote(e.getKey()) + ":" + String.join(",", e.getValue()))
        .collect(Collectors.joining(";"));
  }

  private static String excludedColumns(PipelineConfig config) {
    return config.groups().stream()
        .flatMap(g -> g.excludeColumns().entrySet().stream())
        .flatMap(e -> e.getValue().stream().map(column -> Pattern.quote(e.getKey() + "." + column)))
        .collect(Collectors.joining(","));
  }

  private static String includeList(Collection<TableId> tables) {
    String captured =
        tables.stream()
            .sorted()
            .map(t -> Pattern.quote(t.toString()))
            .collect(Collectors.joining(","));
    return captured + "," + Pattern.quote(PublicationSetup.HEARTBEAT_TABLE.toString());
  }
}
