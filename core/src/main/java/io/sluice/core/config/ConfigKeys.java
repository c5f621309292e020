package io.sluice.core.config;

import io.sluice.core.config.ConfigKey.Type;
import java.util.List;
import java.util.Optional;

/** Every configuration key sluice reads, in documentation order. */
public final class ConfigKeys {
  public static final List<ConfigKey> ALL =
      List.of(
          req(
              "pipeline.name",
              Type.STRING,
              "Name of the pipeline: lowercase letters, digits and `_`. Names the replication"
                  + " slot, the publication, topics and state unless those are set."),
          req("source.host", Type.STRING, "Source PostgreSQL host."),
          opt("source.port", Type.INT, "5432", "Source PostgreSQL port."),
          req("source.database", Type.STRING, "Source database name."),
          req(
              "source.user",
              Type.STRING,
              "Source user; needs the REPLICATION attribute and SELECT on captured tables."),
          opt(
              "source.password",
              Type.SECRET,
              "",
              "Source password. Prefer the environment" + " variable to the file."),
          opt(
              "source.slot",
              Type.STRING,
              null,
              "Logical replication slot, created if absent. Default: `sluice_<pipeline.name>`."),
          opt(
              "source.publication",
              Type.STRING,
              null,
              "Publication listing exactly the captured tables, created and kept in step."
                  + " Default: `sluice_<pipeline.name>`."),
          req("target.host", Type.STRING, "Target PostgreSQL (Aurora) host."),
          opt("target.port", Type.INT, "5432", "Target port."),
          req("target.database", Type.STRING, "Target database name."),
          req("target.user", Type.STRING, "Target user; creates tables and writes rows."),
          opt("target.password", Type.SECRET, "", "Target password."),
          opt("target.pool-size", Type.INT, "4", "Connections per apply worker pool."),
          req("kafka.bootstrap-servers", Type.STRING, "Kafka bootstrap servers, `host:port,...`."),
          opt(
              "kafka.topic-prefix",
              Type.STRING,
              null,
              "Topic of a group is `<topic-prefix>.<group>`. Default: `sluice.<pipeline.name>`."),
          opt(
              "kafka.replication-factor",
              Type.INT,
              "3",
              "Replication factor of topics sluice creates."),
          opt(
              "kafka.properties",
              Type.STRING_MAP,
              null,
              "Extra Kafka client properties (security, SASL) passed to every client."),
          opt("dynamodb.region", Type.STRING, "us-east-1", "AWS region of the state tables."),
          opt(
              "dynamodb.endpoint",
              Type.URI,
              null,
              "Endpoint override, e.g. `http://127.0.0.1:8000` for DynamoDB Local."),
          opt(
              "dynamodb.table-prefix",
              Type.STRING,
              null,
              "Prefix of the state tables, one per environment. Default:"
                  + " `sluice-<pipeline.name>-`."),
          opt(
              "dynamodb.local-credentials",
              Type.BOOLEAN,
              "false",
              "Sign requests with fixed dummy credentials (DynamoDB Local only); otherwise the"
                  + " AWS default credentials chain is used."),
          opt(
              "capture.heartbeat-interval",
              Type.DURATION,
              "10s",
              "How often capture writes a heartbeat so an idle source's slot still advances."),
          opt(
              "capture.lease-timeout",
              Type.DURATION,
              "15s",
              "How long the capturing process holds the pipeline's capture lease without"
                  + " renewing it. Other `sluice run` processes of the pipeline stand by and take"
                  + " over capture this long after the leader died."),
          opt(
              "apply.batch.rows",
              Type.INT,
              "5000",
              "Most changes in one apply batch (one target transaction)."),
          opt(
              "apply.batch.bytes",
              Type.INT,
              "4194304",
              "Most bytes of encoded changes fetched for one batch of one partition (4 MiB):"
                  + " with `apply.batch.rows` it bounds an apply worker's memory (each partition"
                  + " holds at most its batch and one fetch ahead). A single change larger than"
                  + " this still goes through, alone."),
          opt(
              "apply.batch.linger",
              Type.DURATION,
              "200ms",
              "Longest wait to fill a batch before applying what has arrived."),
          opt(
              "apply.truncate",
              Type.STRING,
              "apply",
              "What a source TRUNCATE does to the target table: `apply` (empty it, in order with"
                  + " the group's other changes), `ignore` (keep the rows), `halt` (stop the"
                  + " group naming the table). A group may override it."),
          opt(
              "apply.on-bad-data",
              Type.STRING,
              "halt",
              "What a change the target refuses as bad data (SQLSTATE class 22 or 23) does:"
                  + " `halt` stops the group naming table, key and reason; `dead-letter` sends it"
                  + " to the topic `<group topic>.dead-letter` and applies the rest. A group may"
                  + " override it."),
          opt(
              "apply.lease-timeout",
              Type.DURATION,
              "15s",
              "How long an apply worker owns a partition without renewing its lease. A worker"
                  + " that dies is replaced within this time; one that stalls longer loses the"
                  + " partition and its checkpoint writes are refused."),
          opt(
              "apply.control-poll",
              Type.DURATION,
              "1s",
              "How often an apply worker reads its group's desired state: a pause takes effect"
                  + " within this time plus the batch in flight."),
          opt(
              "admin.port",
              Type.INT,
              "8081",
              "Port of the admin HTTP API (`GET /groups`, pause and resume); 0 picks a free"
                  + " port."),
          opt("admin.bind", Type.STRING, "0.0.0.0", "Address the admin HTTP API listens on."),
          opt(
              "admin.read-token",
              Type.SECRET,
              "",
              "Bearer token that may read group state on the admin API. Without any token the"
                  + " API answers 401 to everything."),
          opt(
              "admin.operate-token",
              Type.SECRET,
              "",
              "Bearer token that may read group state and pause or resume groups on the admin"
                  + " API."),
          opt(
              "alerts.lag",
              Type.DURATION,
              "5m",
              "Lag past which a group's warning alert fires, exported as"
                  + " `sluice_apply_lag_threshold_seconds{severity=\"warning\"}` for the alert"
                  + " rules in `deploy/prometheus`. A group may override it (`alert-lag`)."),
          opt(
              "alerts.lag-critical",
              Type.DURATION,
              "30m",
              "Lag past which a group's critical alert fires; above every group's `alert-lag`."),
          opt(
              "alerts.paused",
              Type.DURATION,
              "1h",
              "How long a group may stay paused before an alert fires, exported as"
                  + " `sluice_apply_paused_threshold_seconds`. A group may override it"
                  + " (`alert-paused`)."));

  /** Keys of one entry of the {@code groups} list. */
  public static final List<ConfigKey> GROUP_KEYS =
      List.of(
          req(
              "groups[].name",
              Type.STRING,
              "Group name: lowercase letters, digits, `_` and `-`. Its topic is"
                  + " `<kafka.topic-prefix>.<name>`."),
          req(
              "groups[].tables",
              Type.STRING_LIST,
              "Tables of the group: `schema.table` names or patterns with `*` (`public.ref_*`)."
                  + " A bare name means schema `public`. Names are matched as the catalog holds"
                  + " them, capitals and spaces included (`public.Orders` is the table created as"
                  + " `\"Orders\"`; in YAML quote the whole entry: `'public.Order Book'`). Put a"
                  + " part in double quotes when it holds a dot, a `*` or a double quote (written"
                  + " `\"\"`): `'\"Risk\".\"fx.rates\"'`. An unquoted table part may hold dots"
                  + " (`public.q1.2024`). Every table belongs to at most one group."),
          opt(
              "groups[].partitions",
              Type.INT,
              "1",
              "Partitions of the group's topic: changes of one row always go to the same"
                  + " partition, and partitions are applied in parallel."),
          opt(
              "groups[].truncate",
              Type.STRING,
              null,
              "This group's TRUNCATE policy (`apply`, `ignore`, `halt`). Default:"
                  + " `apply.truncate`."),
          opt(
              "groups[].on-bad-data",
              Type.STRING,
              null,
              "This group's bad-data policy (`halt`, `dead-letter`). Default:"
                  + " `apply.on-bad-data`."),
          opt(
              "groups[].key-columns",
              Type.STRING_MAP,
              null,
              "Key columns of tables without a primary key, as `schema.table: col1,col2`. The"
                  + " columns must identify a row; the source table needs REPLICA IDENTITY FULL"
                  + " so deletes and updates carry them. A REPLICA IDENTITY FULL table left out"
                  + " is carried without a key, as a multiset of rows."),
          opt(
              "groups[].exclude-columns",
              Type.STRING_MAP,
              null,
              "Columns capture leaves out, as `schema.table: col1,col2` (table names written as"
                  + " under `tables`). An excluded column is never read from the source, never"
                  + " sent to Kafka and not created on the target; use it for a column of a type"
                  + " sluice cannot carry exactly, or one the target must not hold. Key columns"
                  + " cannot be excluded. Taking a column out of the list later adds it to the"
                  + " target empty: existing rows get its values as they change, or when the table"
                  + " is reloaded."),
          opt(
              "groups[].alert-lag",
              Type.DURATION,
              null,
              "This group's lag warning threshold. Default: `alerts.lag`."),
          opt(
              "groups[].alert-paused",
              Type.DURATION,
              null,
              "How long this group may stay paused before an alert fires. Default:"
                  + " `alerts.paused`."));

  private ConfigKeys() {}

  public static Optional<ConfigKey> find(String path) {
    return ALL.stream().filter(k -> k.path().equals(path)).findFirst();
  }

  private static ConfigKey req(String path, Type type, String description) {
    return new ConfigKey(path, type, true, null, description);
  }

  private static ConfigKey opt(String path, Type type, String def, String description) {
    return new ConfigKey(path, type, false, def, description);
  }
}
