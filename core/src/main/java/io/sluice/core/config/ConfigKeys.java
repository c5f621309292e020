package io.sluice.core.config;

import static io.sluice.core.config.ConfigRule.between;
import static io.sluice.core.config.ConfigRule.matching;
import static io.sluice.core.config.ConfigRule.notNegative;
import static io.sluice.core.config.ConfigRule.oneOf;
import static io.sluice.core.config.ConfigRule.positive;

import io.sluice.core.config.ConfigKey.Type;
import java.util.List;
import java.util.Optional;

/**
 * Every configuration key sluice reads, with its default and rule. The binder reads each value
 * through its descriptor here, so a key's path, default and rule are each written once.
 *
 * <p>Longer than most files here: it is the table of keys the configuration reference is generated
 * from, one descriptor after another, and reads best as one table.
 */
public final class ConfigKeys {
  /** The list of table groups; its entries have the keys of {@link #GROUP_KEYS}. */
  public static final String GROUPS = "groups";

  public static final ConfigKey PIPELINE_NAME =
      req(
          "pipeline.name",
          Type.STRING,
          matching(
              "[a-z][a-z0-9_]{0,47}",
              "must start with a lowercase letter and hold only lowercase letters, digits and _"
                  + " (at most 48)"),
          "Name of the pipeline: lowercase letters, digits and `_`. Names the replication"
              + " slot, the publication, topics and state unless those are set.");
  public static final ConfigKey SOURCE_HOST =
      req("source.host", Type.STRING, "Source PostgreSQL host.");
  public static final ConfigKey SOURCE_PORT =
      opt("source.port", Type.INT, "5432", between(1, 65535), "Source PostgreSQL port.");
  public static final ConfigKey SOURCE_DATABASE =
      req("source.database", Type.STRING, "Source database name.");
  public static final ConfigKey SOURCE_USER =
      req(
          "source.user",
          Type.STRING,
          "Source user; needs the REPLICATION attribute and SELECT on captured tables.");
  public static final ConfigKey SOURCE_PASSWORD =
      opt(
          "source.password",
          Type.SECRET,
          "",
          "Source password. Prefer the environment variable to the file.");
  public static final ConfigKey SOURCE_AUTH =
      opt(
          "source.auth",
          Type.STRING,
          "password",
          oneOf(DbAuth.class),
          "How sluice signs in to the source: `password` (`source.password`, or"
              + " `source.password-secret`) or `iam` (an RDS IAM authentication token for"
              + " `source.user`, signed with the AWS default credentials chain and renewed every"
              + " 10 minutes, before its 15 minutes run out; the user needs the `rds_iam` role and"
              + " the pod `rds-db:connect`). The token's region is the one in an RDS host name"
              + " (`….<region>.rds.amazonaws.com`), else `dynamodb.region`.");
  public static final ConfigKey SOURCE_PASSWORD_SECRET =
      opt(
          "source.password-secret",
          Type.STRING,
          null,
          "AWS Secrets Manager secret (ARN, or name in `dynamodb.region`) holding the source"
              + " password: the secret string itself, or JSON with a `password` field, as"
              + " RDS-managed secrets are. Read at start and again every 5 minutes, so new"
              + " connections pick up a rotated password. Not with `source.password` or"
              + " `source.auth: iam`.");
  public static final ConfigKey SOURCE_SLOT =
      opt(
          "source.slot",
          Type.STRING,
          null,
          "Logical replication slot, created if absent. Default: `sluice_<pipeline.name>`.");
  public static final ConfigKey SOURCE_PUBLICATION =
      opt(
          "source.publication",
          Type.STRING,
          null,
          "Publication listing exactly the captured tables, created and kept in step."
              + " Default: `sluice_<pipeline.name>`.");
  public static final ConfigKey TARGET_HOST =
      req("target.host", Type.STRING, "Target PostgreSQL (Aurora) host.");
  public static final ConfigKey TARGET_PORT =
      opt("target.port", Type.INT, "5432", between(1, 65535), "Target port.");
  public static final ConfigKey TARGET_DATABASE =
      req("target.database", Type.STRING, "Target database name.");
  public static final ConfigKey TARGET_USER =
      req("target.user", Type.STRING, "Target user; creates tables and writes rows.");
  public static final ConfigKey TARGET_PASSWORD =
      opt("target.password", Type.SECRET, "", "Target password.");
  public static final ConfigKey TARGET_AUTH =
      opt(
          "target.auth",
          Type.STRING,
          "password",
          oneOf(DbAuth.class),
          "How sluice signs in to the target: `password` (`target.password`, or"
              + " `target.password-secret`) or `iam` (an RDS IAM authentication token, renewed"
              + " every 10 minutes: each new pooled connection gets a valid one), as for"
              + " `source.auth`.");
  public static final ConfigKey TARGET_PASSWORD_SECRET =
      opt(
          "target.password-secret",
          Type.STRING,
          null,
          "AWS Secrets Manager secret holding the target password, as for"
              + " `source.password-secret`.");
  public static final ConfigKey TARGET_POOL_SIZE =
      opt(
          "target.pool-size",
          Type.INT,
          null,
          between(1, 64),
          "Target connections of each apply worker's pool; a worker applies one group, and each"
              + " of the group's partitions holds one connection while it writes. Default: the"
              + " group's `partitions`. A value below any group's `partitions` is refused. Keep"
              + " the sum over all workers under the target's `max_connections`.");
  public static final ConfigKey TARGET_REPLICA_ROLE =
      opt(
          "target.replica-role",
          Type.BOOLEAN,
          "false",
          "Apply's sessions on the target run with `session_replication_role = replica`, as"
              + " PostgreSQL's own logical replication apply does: the target's ordinary triggers"
              + " and foreign-key checks do not fire for sluice's writes. Needs the right to set it"
              + " (a superuser; on RDS and Aurora `rds_superuser`; on PostgreSQL 15 and later"
              + " `GRANT SET ON PARAMETER session_replication_role`); without it apply halts,"
              + " saying so.");
  public static final ConfigKey KAFKA_BOOTSTRAP_SERVERS =
      req("kafka.bootstrap-servers", Type.STRING, "Kafka bootstrap servers, `host:port,...`.");
  public static final ConfigKey KAFKA_TOPIC_PREFIX =
      opt(
          "kafka.topic-prefix",
          Type.STRING,
          null,
          "Topic of a group is `<topic-prefix>.<group>`. Default: `sluice.<pipeline.name>`.");
  public static final ConfigKey KAFKA_REPLICATION_FACTOR =
      opt(
          "kafka.replication-factor",
          Type.INT,
          "3",
          between(1, 32),
          "Replication factor of topics sluice creates.");
  public static final ConfigKey KAFKA_PROPERTIES =
      opt(
          "kafka.properties",
          Type.STRING_MAP,
          null,
          "Extra Kafka client properties (security, SASL) passed to every client.");
  public static final ConfigKey KAFKA_AUTH =
      opt(
          "kafka.auth",
          Type.STRING,
          "none",
          oneOf(KafkaAuth.class),
          "How every Kafka client authenticates: `none` (only what `kafka.properties` sets, such"
              + " as SCRAM or TLS) or `iam` (Amazon MSK IAM access control: SASL_SSL with the"
              + " AWS_MSK_IAM mechanism, signed with the AWS default credentials chain, IRSA or"
              + " EKS Pod Identity on EKS; point `bootstrap-servers` at the cluster's IAM port,"
              + " 9098). With `iam`, `kafka.properties` may not set `security.protocol` or"
              + " `sasl.*`.");
  public static final ConfigKey KAFKA_MAX_MESSAGE_BYTES =
      opt(
          "kafka.max-message-bytes",
          Type.INT,
          Integer.toString(KafkaConfig.DEFAULT_MAX_MESSAGE_BYTES),
          between(1024 * 1024, KafkaConfig.DEFAULT_MAX_MESSAGE_BYTES),
          "Largest change message capture sends, in bytes: the `max.message.bytes` of the group"
              + " topics (set when capture creates them, raised on existing ones) and the"
              + " producer's `max.request.size`. A change carries whole rows as text, and a bytea"
              + " doubles in hex. Default 64 MiB; MSK Serverless accepts at most 8 MiB"
              + " (`8388608`). A change larger than this stops capture, naming its table.");
  public static final ConfigKey DYNAMODB_REGION =
      opt("dynamodb.region", Type.STRING, "us-east-1", "AWS region of the state tables.");
  public static final ConfigKey DYNAMODB_ENDPOINT =
      opt(
          "dynamodb.endpoint",
          Type.URI,
          null,
          "Endpoint override, e.g. `http://127.0.0.1:8000` for DynamoDB Local.");
  public static final ConfigKey DYNAMODB_TABLE_PREFIX =
      opt(
          "dynamodb.table-prefix",
          Type.STRING,
          null,
          "Prefix of the state tables, one per environment. Default:"
              + " `sluice-<pipeline.name>-`.");
  public static final ConfigKey DYNAMODB_LOCAL_CREDENTIALS =
      opt(
          "dynamodb.local-credentials",
          Type.BOOLEAN,
          "false",
          "Sign requests with fixed dummy credentials (DynamoDB Local only); otherwise the"
              + " AWS default credentials chain is used.");
  public static final ConfigKey CAPTURE_HEARTBEAT_INTERVAL =
      opt(
          "capture.heartbeat-interval",
          Type.DURATION,
          "10s",
          notNegative(),
          "How often capture writes a heartbeat so an idle source's slot still advances.");
  public static final ConfigKey CAPTURE_LEASE_TIMEOUT =
      opt(
          "capture.lease-timeout",
          Type.DURATION,
          "15s",
          positive(),
          "How long the capturing process holds the pipeline's capture lease without"
              + " renewing it. Other `sluice run` processes of the pipeline stand by and take"
              + " over capture this long after the leader died.");
  public static final ConfigKey CAPTURE_INITIAL_LOAD =
      opt(
          "capture.initial-load",
          Type.STRING,
          "copy",
          oneOf(InitialLoad.class),
          "How a first start copies the tables' existing rows: `copy` (parallel chunked"
              + " binary COPY from the replication slot's exported snapshot straight into the"
              + " target, resumed chunk by chunk after a crash) or `kafka` (Debezium's snapshot,"
              + " every row through Kafka).");
  public static final ConfigKey CAPTURE_LOAD_PARALLELISM =
      opt(
          "capture.load.parallelism",
          Type.INT,
          "2",
          between(1, 64),
          "COPY streams of the initial load running at once (`copy` load).");
  public static final ConfigKey CAPTURE_LOAD_CHUNK_ROWS =
      opt(
          "capture.load.chunk-rows",
          Type.INT,
          "1000000",
          between(1_000, 100_000_000),
          "About how many rows one chunk of a table holds (`copy` load): the unit copied in one"
              + " target transaction, and copied again after a crash. Tables keyed by one integer"
              + " column are split by key range; others are copied whole.");
  public static final ConfigKey CAPTURE_TABLE_DISCOVERY_INTERVAL =
      opt(
          "capture.table-discovery-interval",
          Type.DURATION,
          "30s",
          notNegative(),
          "How often a running capture process reads its configuration file and the source"
              + " catalog again for tables that joined or left the groups (a table added to a"
              + " group's `tables`, or created under its pattern): capture then starts again with"
              + " them, copying a joined table first under the `copy` load, while apply keeps"
              + " running. Changes beyond the groups' tables, key columns and excluded columns"
              + " need a restart. `0s` turns it off.");
  public static final ConfigKey CAPTURE_LOAD_DEFER_INDEXES =
      opt(
          "capture.load.defer-indexes",
          Type.BOOLEAN,
          "false",
          "Drop the target's secondary indexes while a table loads and create them again after"
              + " it (`copy` load); the primary key stays.");
  public static final ConfigKey CAPTURE_METHOD =
      opt(
          "capture.method",
          Type.STRING,
          "log",
          oneOf(CaptureMethod.class),
          "How capture reads changes: `log` (logical decoding of a replication slot, for"
              + " PostgreSQL) or `query` (polls by watermark column and chunk-hash diffs against"
              + " the target, from exported snapshots; for Greenplum 7, which has no usable"
              + " logical decoding). Each table's query mode is set in its group (`watermark`,"
              + " `append-only`); see docs/greenplum.md.");
  public static final ConfigKey CAPTURE_QUERY_POLL_INTERVAL =
      opt(
          "capture.query.poll-interval",
          Type.DURATION,
          "1s",
          positive(),
          "Pause between the end of one poll of the watermark tables and the start of the"
              + " next (`query` capture).");
  public static final ConfigKey CAPTURE_QUERY_LOOKBACK =
      opt(
          "capture.query.lookback",
          Type.DURATION,
          "5m",
          notNegative(),
          "How far below the stored watermark each poll reads a time-typed watermark column"
              + " again (`query` capture): it must exceed the longest transaction that writes the"
              + " table plus the skew of the clocks that set the column, or a late commit is"
              + " missed until the next diff.");
  public static final ConfigKey CAPTURE_QUERY_LOOKBACK_IDS =
      opt(
          "capture.query.lookback-ids",
          Type.INT,
          "0",
          between(0, Integer.MAX_VALUE),
          "How far below the stored watermark each poll reads a numeric watermark column (a"
              + " load or batch id) again (`query` capture): the most ids a batch committed late"
              + " may lag behind the newest.");
  public static final ConfigKey CAPTURE_QUERY_DIFF_INTERVAL =
      opt(
          "capture.query.diff-interval",
          Type.DURATION,
          "15m",
          positive(),
          "How often each `diff` and `watermark` table is compared with the target chunk by"
              + " chunk, every difference sent on as an upsert or delete (`query` capture); the"
              + " longest a delete of a watermark table, or a change of a diff table, takes to"
              + " arrive. A group may set its own (`diff-interval`).");
  public static final ConfigKey APPLY_BATCH_ROWS =
      opt(
          "apply.batch.rows",
          Type.INT,
          "5000",
          between(1, 1_000_000),
          "Most changes in one apply batch (one target transaction).");
  public static final ConfigKey APPLY_BATCH_BYTES =
      opt(
          "apply.batch.bytes",
          Type.INT,
          "4194304",
          between(64 * 1024, Integer.MAX_VALUE),
          "Most bytes of encoded changes fetched for one batch of one partition (4 MiB):"
              + " with `apply.batch.rows` it bounds an apply worker's memory (each partition"
              + " holds at most its batch and one fetch ahead). A single change larger than"
              + " this still goes through, alone.");
  public static final ConfigKey APPLY_BATCH_LINGER =
      opt(
          "apply.batch.linger",
          Type.DURATION,
          "20ms",
          notNegative(),
          "Longest wait for more changes before applying what has arrived. Under load a batch"
              + " is what arrived while the last one was written, so this bounds the lag it adds"
              + " at low rates only; checkpoints do not follow batches"
              + " (`apply.checkpoint-interval`).");
  public static final ConfigKey APPLY_CHECKPOINT_INTERVAL =
      opt(
          "apply.checkpoint-interval",
          Type.DURATION,
          "200ms",
          notNegative(),
          "Most time between checkpoint writes of a partition while it applies. Every batch is"
              + " committed to the target at once; its checkpoint (a DynamoDB transaction with"
              + " the lease check) is written when this much time has passed since the last,"
              + " and always before the partition pauses, stops or is handed over. A restart"
              + " replays at most this much, which the position guard makes harmless. A verify"
              + " waits for the checkpoints to pass its snapshot, so a longer interval lets the"
              + " target run further ahead of it under load. `0` writes one per batch.");
  public static final ConfigKey APPLY_TRUNCATE =
      opt(
          "apply.truncate",
          Type.STRING,
          "apply",
          oneOf(TruncatePolicy.class),
          "What a source TRUNCATE does to the target table: `apply` (empty it, in order with"
              + " the group's other changes), `ignore` (keep the rows), `halt` (stop the"
              + " group naming the table). A group may override it.");
  public static final ConfigKey APPLY_ON_BAD_DATA =
      opt(
          "apply.on-bad-data",
          Type.STRING,
          "halt",
          oneOf(BadDataPolicy.class),
          "What a change the target refuses as bad data (SQLSTATE class 22 or 23) does:"
              + " `halt` stops the group naming table, key and reason; `dead-letter` sends it"
              + " to the topic `<group topic>.dead-letter` and applies the rest. A group may"
              + " override it.");
  public static final ConfigKey APPLY_LEASE_TIMEOUT =
      opt(
          "apply.lease-timeout",
          Type.DURATION,
          "15s",
          positive(),
          "How long an apply worker owns a partition without renewing its lease. A worker"
              + " that dies is replaced within this time; one that stalls longer loses the"
              + " partition and its checkpoint writes are refused.");
  public static final ConfigKey APPLY_CONTROL_POLL =
      opt(
          "apply.control-poll",
          Type.DURATION,
          "1s",
          positive(),
          "How often an apply worker reads its group's desired state: a pause takes effect"
              + " within this time plus the batch in flight.");
  public static final ConfigKey ADMIN_PORT =
      opt(
          "admin.port",
          Type.INT,
          "8081",
          between(0, 65_535),
          "Port of the admin HTTP API (`GET /groups`, pause and resume); 0 picks a free"
              + " port.");
  public static final ConfigKey ADMIN_BIND =
      opt("admin.bind", Type.STRING, "0.0.0.0", "Address the admin HTTP API listens on.");
  public static final ConfigKey ADMIN_READ_TOKEN =
      opt(
          "admin.read-token",
          Type.SECRET,
          "",
          "Bearer token that may read group state on the admin API. Without any token the"
              + " API answers 401 to everything.");
  public static final ConfigKey ADMIN_OPERATE_TOKEN =
      opt(
          "admin.operate-token",
          Type.SECRET,
          "",
          "Bearer token that may read group state and pause or resume groups on the admin"
              + " API.");
  public static final ConfigKey VERIFY_INTERVAL =
      opt(
          "verify.interval",
          Type.DURATION,
          "0s",
          notNegative(),
          "How often the capturing process verifies each group's tables against the source, as"
              + " `sluice verify` does (no repair), and reports it in the `sluice_verify_*`"
              + " metrics; a group may set its own (`verify-interval`). `0s` (the default) turns"
              + " it off.");
  public static final ConfigKey VERIFY_CHUNK_ROWS =
      opt(
          "verify.chunk-rows",
          Type.INT,
          "10000",
          between(100, 10_000_000),
          "About how many rows one chunk of a verification holds: the unit each side"
              + " fingerprints, and read row by row when it differs.");
  public static final ConfigKey VERIFY_DEADLINE =
      opt(
          "verify.deadline",
          Type.DURATION,
          "5m",
          positive(),
          "How long a verification waits for apply to reach its source snapshot and for rows"
              + " that changed after it to settle; a group that does not reach it is reported"
              + " not verified.");
  public static final ConfigKey SEQUENCES_INTERVAL =
      opt(
          "sequences.interval",
          Type.DURATION,
          "1m",
          notNegative(),
          "How often the capturing process carries sequences to the target: every sequence"
              + " owned by a column of a captured table (`serial` and identity columns) and those"
              + " under `sequences.include` is created on the target when missing, its column"
              + " made to generate from it, and its value set to at least the source's plus"
              + " `sequences.margin`; a target sequence is never moved back. A failed run is"
              + " logged and counted (`sluice_sequences_runs_total`) and the next one tries again."
              + " `0s` turns it off.");
  public static final ConfigKey SEQUENCES_MARGIN =
      opt(
          "sequences.margin",
          Type.INT,
          "1000",
          between(0, 1_000_000_000),
          "Added to the source's sequence value when it is carried (taken off for a descending"
              + " sequence): room for the values the source hands out between one run and the"
              + " switch of the application to the target. A value past the sequence's MAXVALUE"
              + " (MINVALUE) is held at it.");
  public static final ConfigKey SEQUENCES_INCLUDE =
      opt(
          "sequences.include",
          Type.STRING_LIST,
          null,
          matching(
              "[^.\\s\"*]+(\\.[^.\\s\"*]+)?",
              "must be a sequence name written schema.name, or name for schema public, without"
                  + " spaces, double quotes or *"),
          "Free-standing sequences carried besides those owned by captured tables, as"
              + " `schema.name` (a bare name means schema `public`), names as the catalog holds"
              + " them. A listed sequence missing on the source fails the run, naming it.");
  public static final ConfigKey CUTOVER_MAX_LAG =
      opt(
          "cutover.max-lag",
          Type.DURATION,
          "5s",
          positive(),
          "The largest apply lag at which `sluice cutover` starts: above it the cutover is"
              + " refused before anything is frozen.");
  public static final ConfigKey CUTOVER_QUIET =
      opt(
          "cutover.quiet",
          Type.DURATION,
          "10s",
          positive(),
          "How long `sluice cutover` watches for the writers to be stopped: capture must carry"
              + " no change to the groups' tables during it (heartbeats and other tables do not"
              + " count); one change refuses the switch.");
  public static final ConfigKey CUTOVER_REVOKE_WRITES_FROM =
      opt(
          "cutover.revoke-writes-from",
          Type.STRING_LIST,
          null,
          "Roles whose direct INSERT, UPDATE, DELETE and TRUNCATE grants on the groups' tables"
              + " `sluice cutover` revokes on the old primary at the freeze (kept in DynamoDB"
              + " first), and gives back when the switch is refused before the flip, or when that"
              + " database becomes the primary again. Default: none, so the application must stop"
              + " writing by itself.");
  public static final ConfigKey CUTOVER_TIMEOUT =
      opt(
          "cutover.timeout",
          Type.DURATION,
          "10m",
          positive(),
          "How long each waiting step of `sluice cutover` waits (capture confirming a position,"
              + " apply draining to the final position, the old direction stopping, the new one"
              + " starting) before it refuses; a switch already recorded is finished by running the"
              + " command again.");
  public static final ConfigKey CUTOVER_REVERSE_REPLICA_ROLE =
      opt(
          "cutover.reverse-replica-role",
          Type.BOOLEAN,
          "true",
          "The reverse pipeline of a cutover applies to the old primary with"
              + " `session_replication_role = replica` (see `target.replica-role`), so the"
              + " application's triggers there do not fire again for changes the new primary's"
              + " triggers already made, and foreign keys do not reject a child applied before its"
              + " parent. The configured source user then needs the right to set it.");
  public static final ConfigKey REGION_NAME =
      opt(
          "region.name",
          Type.STRING,
          null,
          matching("[a-z0-9][a-z0-9-]{0,31}", "may hold only lowercase letters, digits and -"),
          "This deployment's region, e.g. `eu-west-1`, for a pipeline run in two regions (with"
              + " `region.primary`): every process reads the pipeline's active region from"
              + " DynamoDB (global tables in production) and stands by, capture and apply, while it"
              + " is another region. Unset: one region, always active.");
  public static final ConfigKey REGION_PRIMARY =
      opt(
          "region.primary",
          Type.STRING,
          null,
          matching("[a-z0-9][a-z0-9-]{0,31}", "may hold only lowercase letters, digits and -"),
          "The region that is active until `sluice ctl failover` names another. Set together with"
              + " `region.name`.");
  public static final ConfigKey ALERTS_LAG =
      opt(
          "alerts.lag",
          Type.DURATION,
          "5m",
          notNegative(),
          "Lag past which a group's warning alert fires, exported as"
              + " `sluice_apply_lag_threshold_seconds{severity=\"warning\"}` for the alert"
              + " rules in `deploy/prometheus`. A group may override it (`alert-lag`).");
  public static final ConfigKey ALERTS_LAG_CRITICAL =
      opt(
          "alerts.lag-critical",
          Type.DURATION,
          "30m",
          notNegative(),
          "Lag past which a group's critical alert fires; above every group's `alert-lag`.");
  public static final ConfigKey ALERTS_PAUSED =
      opt(
          "alerts.paused",
          Type.DURATION,
          "1h",
          notNegative(),
          "How long a group may stay paused before an alert fires, exported as"
              + " `sluice_apply_paused_threshold_seconds`. A group may override it"
              + " (`alert-paused`).");

  public static final ConfigKey GROUP_NAME =
      req(
          "groups[].name",
          Type.STRING,
          matching("[a-z0-9][a-z0-9_-]{0,62}", "may hold only lowercase letters, digits, _ and -"),
          "Group name: lowercase letters, digits, `_` and `-`. Its topic is"
              + " `<kafka.topic-prefix>.<name>`.");
  public static final ConfigKey GROUP_TABLES =
      req(
          "groups[].tables",
          Type.STRING_LIST,
          "Tables of the group: `schema.table` names or patterns with `*` (`public.ref_*`)."
              + " A bare name means schema `public`. Names are matched as the catalog holds"
              + " them, capitals and spaces included (`public.Orders` is the table created as"
              + " `\"Orders\"`; in YAML quote the whole entry: `'public.Order Book'`). Put a"
              + " part in double quotes when it holds a dot, a `*` or a double quote (written"
              + " `\"\"`): `'\"Risk\".\"fx.rates\"'`. An unquoted table part may hold dots"
              + " (`public.q1.2024`). Every table belongs to at most one group.");
  public static final ConfigKey GROUP_PARTITIONS =
      opt(
          "groups[].partitions",
          Type.INT,
          "1",
          between(1, 1024),
          "Partitions of the group's topic: changes of one row always go to the same"
              + " partition, and partitions are applied in parallel.");
  public static final ConfigKey GROUP_TRUNCATE =
      opt(
          "groups[].truncate",
          Type.STRING,
          null,
          oneOf(TruncatePolicy.class),
          "This group's TRUNCATE policy (`apply`, `ignore`, `halt`). Default:"
              + " `apply.truncate`.");
  public static final ConfigKey GROUP_ON_BAD_DATA =
      opt(
          "groups[].on-bad-data",
          Type.STRING,
          null,
          oneOf(BadDataPolicy.class),
          "This group's bad-data policy (`halt`, `dead-letter`). Default:"
              + " `apply.on-bad-data`.");
  public static final ConfigKey GROUP_KEY_COLUMNS =
      opt(
          "groups[].key-columns",
          Type.STRING_MAP,
          null,
          "Key columns of tables without a primary key, as `schema.table: col1,col2`. The"
              + " columns must identify a row. Under `log` capture the source table needs"
              + " REPLICA IDENTITY FULL so deletes and updates carry them, and a REPLICA IDENTITY"
              + " FULL table left out is carried without a key, as a multiset of rows; `query`"
              + " capture needs them for every table without a primary key.");
  public static final ConfigKey GROUP_EXCLUDE_COLUMNS =
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
              + " is reloaded.");
  public static final ConfigKey GROUP_ALERT_LAG =
      opt(
          "groups[].alert-lag",
          Type.DURATION,
          null,
          positive(),
          "This group's lag warning threshold. Default: `alerts.lag`.");
  public static final ConfigKey GROUP_ALERT_PAUSED =
      opt(
          "groups[].alert-paused",
          Type.DURATION,
          null,
          positive(),
          "How long this group may stay paused before an alert fires. Default:"
              + " `alerts.paused`.");

  public static final ConfigKey GROUP_VERIFY_INTERVAL =
      opt(
          "groups[].verify-interval",
          Type.DURATION,
          null,
          notNegative(),
          "How often this group is verified on a schedule; `0s` never. Default:"
              + " `verify.interval`.");

  public static final ConfigKey GROUP_WATERMARK =
      opt(
          "groups[].watermark",
          Type.STRING_MAP,
          null,
          "`query` capture: tables polled by a watermark column, as `schema.table: column`. The"
              + " column is a timestamp, date or number that every insert and update moves"
              + " forward (an `updated_at`, a load batch id); give it an index. Deletes, and rows"
              + " whose column is NULL, arrive with the next diff. A table of the group in"
              + " neither this nor `append-only` is a `diff` table.");
  public static final ConfigKey GROUP_APPEND_ONLY =
      opt(
          "groups[].append-only",
          Type.STRING_MAP,
          null,
          "`query` capture: tables that are only appended to, polled by a NOT NULL watermark"
              + " column, as `schema.table: column`; never diffed, so an update that does not"
              + " move the column, or a delete, is not seen.");
  public static final ConfigKey GROUP_DIFF_INTERVAL =
      opt(
          "groups[].diff-interval",
          Type.DURATION,
          null,
          positive(),
          "This group's diff interval (`query` capture). Default:"
              + " `capture.query.diff-interval`.");

  /** Every key outside {@code groups}, in documentation order. */
  public static final List<ConfigKey> ALL =
      List.of(
          PIPELINE_NAME,
          SOURCE_HOST,
          SOURCE_PORT,
          SOURCE_DATABASE,
          SOURCE_USER,
          SOURCE_PASSWORD,
          SOURCE_AUTH,
          SOURCE_PASSWORD_SECRET,
          SOURCE_SLOT,
          SOURCE_PUBLICATION,
          TARGET_HOST,
          TARGET_PORT,
          TARGET_DATABASE,
          TARGET_USER,
          TARGET_PASSWORD,
          TARGET_AUTH,
          TARGET_PASSWORD_SECRET,
          TARGET_POOL_SIZE,
          TARGET_REPLICA_ROLE,
          KAFKA_BOOTSTRAP_SERVERS,
          KAFKA_TOPIC_PREFIX,
          KAFKA_REPLICATION_FACTOR,
          KAFKA_PROPERTIES,
          KAFKA_AUTH,
          KAFKA_MAX_MESSAGE_BYTES,
          DYNAMODB_REGION,
          DYNAMODB_ENDPOINT,
          DYNAMODB_TABLE_PREFIX,
          DYNAMODB_LOCAL_CREDENTIALS,
          CAPTURE_HEARTBEAT_INTERVAL,
          CAPTURE_LEASE_TIMEOUT,
          CAPTURE_INITIAL_LOAD,
          CAPTURE_LOAD_PARALLELISM,
          CAPTURE_LOAD_CHUNK_ROWS,
          CAPTURE_LOAD_DEFER_INDEXES,
          CAPTURE_TABLE_DISCOVERY_INTERVAL,
          CAPTURE_METHOD,
          CAPTURE_QUERY_POLL_INTERVAL,
          CAPTURE_QUERY_LOOKBACK,
          CAPTURE_QUERY_LOOKBACK_IDS,
          CAPTURE_QUERY_DIFF_INTERVAL,
          APPLY_BATCH_ROWS,
          APPLY_BATCH_BYTES,
          APPLY_BATCH_LINGER,
          APPLY_CHECKPOINT_INTERVAL,
          APPLY_TRUNCATE,
          APPLY_ON_BAD_DATA,
          APPLY_LEASE_TIMEOUT,
          APPLY_CONTROL_POLL,
          ADMIN_PORT,
          ADMIN_BIND,
          ADMIN_READ_TOKEN,
          ADMIN_OPERATE_TOKEN,
          ALERTS_LAG,
          ALERTS_LAG_CRITICAL,
          ALERTS_PAUSED,
          VERIFY_INTERVAL,
          VERIFY_CHUNK_ROWS,
          VERIFY_DEADLINE,
          SEQUENCES_INTERVAL,
          SEQUENCES_MARGIN,
          SEQUENCES_INCLUDE,
          CUTOVER_MAX_LAG,
          CUTOVER_QUIET,
          CUTOVER_REVOKE_WRITES_FROM,
          CUTOVER_TIMEOUT,
          CUTOVER_REVERSE_REPLICA_ROLE,
          REGION_NAME,
          REGION_PRIMARY);

  /** Keys of one entry of the {@code groups} list, in documentation order. */
  public static final List<ConfigKey> GROUP_KEYS =
      List.of(
          GROUP_NAME,
          GROUP_TABLES,
          GROUP_PARTITIONS,
          GROUP_TRUNCATE,
          GROUP_ON_BAD_DATA,
          GROUP_KEY_COLUMNS,
          GROUP_EXCLUDE_COLUMNS,
          GROUP_ALERT_LAG,
          GROUP_ALERT_PAUSED,
          GROUP_VERIFY_INTERVAL,
          GROUP_WATERMARK,
          GROUP_APPEND_ONLY,
          GROUP_DIFF_INTERVAL);

  private ConfigKeys() {}

  /** The key outside {@code groups} with this path, as a file or the environment names it. */
  public static Optional<ConfigKey> find(String path) {
    return ALL.stream().filter(k -> k.path().equals(path)).findFirst();
  }

  /** The key's name inside a group entry: {@code partitions} for {@code groups[].partitions}. */
  static String groupField(ConfigKey groupKey) {
    return groupKey.path().substring(GROUPS.length() + "[].".length());
  }

  private static ConfigKey req(String path, Type type, String description) {
    return new ConfigKey(path, type, true, null, Optional.empty(), description);
  }

  private static ConfigKey req(String path, Type type, ConfigRule rule, String description) {
    return new ConfigKey(path, type, true, null, Optional.of(rule), description);
  }

  private static ConfigKey opt(String path, Type type, String def, String description) {
    return new ConfigKey(path, type, false, def, Optional.empty(), description);
  }

  private static ConfigKey opt(
      String path, Type type, String def, ConfigRule rule, String description) {
    return new ConfigKey(path, type, false, def, Optional.of(rule), description);
  }
}
