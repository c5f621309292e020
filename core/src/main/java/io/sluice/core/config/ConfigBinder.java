package io.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.config.ConfigRule.Range;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds values to the configuration records, recording every problem it meets. Each value is read
 * through its descriptor in {@link ConfigKeys}, whose default and rule apply; the rules that span
 * keys are checked here: group names and tables against other groups, {@code target.pool-size}
 * against each group's partitions, lag alerts against {@code alerts.lag-critical}.
 */
final class ConfigBinder {
  /** Keys of a group entry, in documentation order, taken from {@link ConfigKeys#GROUP_KEYS}. */
  private static final List<String> GROUP_FIELDS =
      ConfigKeys.GROUP_KEYS.stream().map(ConfigKeys::groupField).toList();

  /** An RDS endpoint name ends in {@code .<region>.rds.amazonaws.com}. */
  private static final Pattern RDS_HOST =
      Pattern.compile("\\.([a-z]{2}(?:-[a-z]+)+-\\d+)\\.rds\\.amazonaws\\.com(?:\\.cn)?\\.?$");

  /** A Secrets Manager ARN names its region. */
  private static final Pattern ARN_REGION = Pattern.compile("^arn:[^:]+:secretsmanager:([^:]+):");

  private final ConfigValues v;
  private final CredentialSources credentials;

  ConfigBinder(ConfigValues values, CredentialSources credentials) {
    this.v = values;
    this.credentials = credentials;
  }

  PipelineConfig bind() {
    String name = v.string(ConfigKeys.PIPELINE_NAME);
    SourceConfig source =
        new SourceConfig(
            v.string(ConfigKeys.SOURCE_HOST),
            v.integer(ConfigKeys.SOURCE_PORT),
            v.string(ConfigKeys.SOURCE_DATABASE),
            v.string(ConfigKeys.SOURCE_USER),
            password(
                "source",
                ConfigKeys.SOURCE_HOST,
                ConfigKeys.SOURCE_PORT,
                ConfigKeys.SOURCE_USER,
                ConfigKeys.SOURCE_AUTH,
                ConfigKeys.SOURCE_PASSWORD,
                ConfigKeys.SOURCE_PASSWORD_SECRET),
            v.optString(ConfigKeys.SOURCE_SLOT).orElse("sluice_" + name),
            v.optString(ConfigKeys.SOURCE_PUBLICATION).orElse("sluice_" + name));
    TargetConfig target =
        new TargetConfig(
            v.string(ConfigKeys.TARGET_HOST),
            v.integer(ConfigKeys.TARGET_PORT),
            v.string(ConfigKeys.TARGET_DATABASE),
            v.string(ConfigKeys.TARGET_USER),
            password(
                "target",
                ConfigKeys.TARGET_HOST,
                ConfigKeys.TARGET_PORT,
                ConfigKeys.TARGET_USER,
                ConfigKeys.TARGET_AUTH,
                ConfigKeys.TARGET_PASSWORD,
                ConfigKeys.TARGET_PASSWORD_SECRET),
            v.optInteger(ConfigKeys.TARGET_POOL_SIZE),
            v.bool(ConfigKeys.TARGET_REPLICA_ROLE));
    KafkaConfig kafka =
        new KafkaConfig(
            v.string(ConfigKeys.KAFKA_BOOTSTRAP_SERVERS),
            v.optString(ConfigKeys.KAFKA_TOPIC_PREFIX).orElse("sluice." + name),
            v.integer(ConfigKeys.KAFKA_REPLICATION_FACTOR),
            v.stringMap(ConfigKeys.KAFKA_PROPERTIES),
            v.choice(ConfigKeys.KAFKA_AUTH, KafkaAuth.class),
            v.integer(ConfigKeys.KAFKA_MAX_MESSAGE_BYTES));
    if (kafka.auth() == KafkaAuth.IAM) {
      kafka.properties().keySet().stream()
          .filter(k -> k.equals("security.protocol") || k.startsWith("sasl."))
          .sorted()
          .forEach(
              k ->
                  v.problems()
                      .add(
                          "kafka.properties sets "
                              + k
                              + ", which kafka.auth iam sets itself; remove it, or set"
                              + " kafka.auth to none and spell the settings out"));
    }
    DynamoDbConfig dynamo =
        new DynamoDbConfig(
            v.string(ConfigKeys.DYNAMODB_REGION),
            v.uri(ConfigKeys.DYNAMODB_ENDPOINT),
            v.optString(ConfigKeys.DYNAMODB_TABLE_PREFIX).orElse("sluice-" + name + "-"),
            v.bool(ConfigKeys.DYNAMODB_LOCAL_CREDENTIALS));
    CaptureConfig capture =
        new CaptureConfig(
            v.duration(ConfigKeys.CAPTURE_HEARTBEAT_INTERVAL),
            v.duration(ConfigKeys.CAPTURE_LEASE_TIMEOUT),
            new LoadConfig(
                v.choice(ConfigKeys.CAPTURE_INITIAL_LOAD, InitialLoad.class),
                v.integer(ConfigKeys.CAPTURE_LOAD_PARALLELISM),
                v.integer(ConfigKeys.CAPTURE_LOAD_CHUNK_ROWS),
                v.bool(ConfigKeys.CAPTURE_LOAD_DEFER_INDEXES)),
            v.duration(ConfigKeys.CAPTURE_TABLE_DISCOVERY_INTERVAL),
            v.choice(ConfigKeys.CAPTURE_METHOD, CaptureMethod.class),
            new QueryConfig(
                v.duration(ConfigKeys.CAPTURE_QUERY_POLL_INTERVAL),
                v.duration(ConfigKeys.CAPTURE_QUERY_LOOKBACK),
                v.integer(ConfigKeys.CAPTURE_QUERY_LOOKBACK_IDS),
                v.duration(ConfigKeys.CAPTURE_QUERY_DIFF_INTERVAL)));
    if (capture.method() == CaptureMethod.QUERY && capture.load().method() != InitialLoad.COPY) {
      v.problems()
          .add(
              "capture.method query loads tables with the copy load only: set"
                  + " capture.initial-load to copy");
    }
    ApplyConfig apply =
        new ApplyConfig(
            v.integer(ConfigKeys.APPLY_BATCH_ROWS),
            v.integer(ConfigKeys.APPLY_BATCH_BYTES),
            v.duration(ConfigKeys.APPLY_BATCH_LINGER),
            v.choice(ConfigKeys.APPLY_TRUNCATE, TruncatePolicy.class),
            v.choice(ConfigKeys.APPLY_ON_BAD_DATA, BadDataPolicy.class),
            v.duration(ConfigKeys.APPLY_LEASE_TIMEOUT),
            v.duration(ConfigKeys.APPLY_CONTROL_POLL),
            v.duration(ConfigKeys.APPLY_CHECKPOINT_INTERVAL));
    AdminConfig admin =
        new AdminConfig(
            v.integer(ConfigKeys.ADMIN_PORT),
            v.string(ConfigKeys.ADMIN_BIND),
            v.secret(ConfigKeys.ADMIN_READ_TOKEN),
            v.secret(ConfigKeys.ADMIN_OPERATE_TOKEN));
    AlertConfig alerts =
        new AlertConfig(
            v.duration(ConfigKeys.ALERTS_LAG),
            v.duration(ConfigKeys.ALERTS_LAG_CRITICAL),
            v.duration(ConfigKeys.ALERTS_PAUSED));
    List<GroupConfig> groups = groups(target.poolSize());
    for (GroupConfig g : groups) {
      Duration lag = g.alertLag().orElse(alerts.lag());
      if (lag.compareTo(alerts.lagCritical()) >= 0) {
        v.problems()
            .add(
                "group '"
                    + g.name()
                    + "': its lag alert ("
                    + lag.toString()
                    + ") must be below alerts.lag-critical ("
                    + alerts.lagCritical().toString()
                    + ")");
      }
    }
    VerifyConfig verify =
        new VerifyConfig(
            v.duration(ConfigKeys.VERIFY_INTERVAL),
            v.integer(ConfigKeys.VERIFY_CHUNK_ROWS),
            v.duration(ConfigKeys.VERIFY_DEADLINE));
    SequencesConfig sequences =
        new SequencesConfig(
            v.duration(ConfigKeys.SEQUENCES_INTERVAL),
            v.integer(ConfigKeys.SEQUENCES_MARGIN),
            v.stringList(ConfigKeys.SEQUENCES_INCLUDE));
    CutoverConfig cutover =
        new CutoverConfig(
            v.duration(ConfigKeys.CUTOVER_MAX_LAG),
            v.duration(ConfigKeys.CUTOVER_QUIET),
            v.stringList(ConfigKeys.CUTOVER_REVOKE_WRITES_FROM),
            v.duration(ConfigKeys.CUTOVER_TIMEOUT),
            v.bool(ConfigKeys.CUTOVER_REVERSE_REPLICA_ROLE));
    RegionConfig region =
        new RegionConfig(
            v.optString(ConfigKeys.REGION_NAME), v.optString(ConfigKeys.REGION_PRIMARY));
    if (region.name().isPresent() != region.primary().isPresent()) {
      v.problems()
          .add(
              "region.name and region.primary go together: set both for a pipeline run in two"
                  + " regions, or neither");
    }
    return new PipelineConfig(
        name, source, target, kafka, dynamo, capture, apply, admin, alerts, groups, verify,
        sequences, cutover, region);
  }

  /** The groups, each checked against the others and against {@code target.pool-size}. */
  /**
   * The password of the source or the target: the environment's, a Secrets Manager secret's, or an
   * IAM token. Only one of the three may be configured.
   */
  private Secret password(
      String side,
      ConfigKey host,
      ConfigKey port,
      ConfigKey user,
      ConfigKey authKey,
      ConfigKey passwordKey,
      ConfigKey secretKey) {
    DbAuth auth = v.choice(authKey, DbAuth.class);
    Secret fixed = v.secret(passwordKey);
    Optional<String> secretId = v.optString(secretKey);
    String region = v.string(ConfigKeys.DYNAMODB_REGION);
    if (auth == DbAuth.IAM) {
      if (!fixed.isEmpty() || secretId.isPresent()) {
        v.problems()
            .add(
                side
                    + ".auth is iam, which signs in with a token; remove "
                    + (fixed.isEmpty()
                        ? secretKey.path()
                        : passwordKey.path() + " (" + passwordKey.envName() + ")"));
      }
      String h = v.string(host);
      String r = rdsRegion(h).orElse(region);
      int p = v.integer(port);
      String u = v.string(user);
      return Secret.supplied(
          "IAM token for " + u + "@" + h + ":" + p + " in " + r, credentials.iamToken(r, h, p, u));
    }
    if (secretId.isPresent()) {
      if (!fixed.isEmpty()) {
        v.problems()
            .add(
                side
                    + " has both "
                    + passwordKey.path()
                    + " and "
                    + secretKey.path()
                    + "; keep one");
      }
      String id = secretId.get();
      String r = arnRegion(id).orElse(region);
      return Secret.supplied("Secrets Manager " + id + " in " + r, credentials.secret(r, id));
    }
    return fixed;
  }

  /** The region in an RDS endpoint name ({@code x.cluster-y.eu-west-1.rds.amazonaws.com}). */
  static Optional<String> rdsRegion(String host) {
    Matcher m = RDS_HOST.matcher(host.toLowerCase(Locale.ROOT));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The region in a Secrets Manager ARN. */
  static Optional<String> arnRegion(String secretId) {
    Matcher m = ARN_REGION.matcher(secretId);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private List<GroupConfig> groups(OptionalInt poolSize) {
    JsonNode node = v.raw(ConfigKeys.GROUPS);
    List<GroupConfig> groups = new ArrayList<>();
    if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
      v.problems().add("groups is required: list at least one table group");
      return groups;
    }
    if (!node.isArray()) {
      v.problems().add("groups must be a list of table groups");
      return groups;
    }
    Set<String> names = new HashSet<>();
    Map<String, String> ownerOfTable = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      GroupConfig g = group(i, node.get(i));
      if (g == null) {
        continue;
      }
      if (!g.name().isEmpty() && !names.add(g.name())) {
        v.problems().add("groups: the name '" + g.name() + "' is used by more than one group");
      }
      for (TablePattern t : g.tables()) {
        if (t.isPattern()) {
          continue; // pattern overlaps are checked against the source catalog at startup
        }
        String previous = ownerOfTable.putIfAbsent(t.qualified(), g.name());
        if (previous != null && !previous.equals(g.name())) {
          v.problems()
              .add(
                  "table "
                      + t.qualified()
                      + " is in groups '"
                      + previous
                      + "' and '"
                      + g.name()
                      + "'; a table belongs to one group");
        }
      }
      if (poolSize.isPresent() && poolSize.getAsInt() < g.partitions()) {
        v.problems().add(poolTooSmall(poolSize.getAsInt(), label(i, g.name()), g.partitions()));
      }
      groups.add(g);
    }
    return groups;
  }

  /**
   * The problem with a pool smaller than a group's partitions: each partition holds one target
   * connection while it writes, so some would wait for a connection.
   */
  private static String poolTooSmall(int poolSize, String group, int partitions) {
    int most = ConfigKeys.TARGET_POOL_SIZE.rule(Range.class).orElseThrow().max();
    String fix =
        partitions <= most
            ? "set it to at least " + partitions + ", or leave it unset"
            : "leave it unset";
    return "target.pool-size is "
        + poolSize
        + " but "
        + group
        + " has "
        + partitions
        + " partitions, each holding a target connection while it writes: "
        + fix
        + " so that each group's pool has one connection per partition";
  }

  /** Names a group in problems: by its name, or by its place in the list when it has none. */
  private static String label(int index, String name) {
    return name.isEmpty() ? "groups[" + index + "]" : "group '" + name + "'";
  }

  /** Adds a table name or pattern, or the problem with how it is written. */
  private void addPattern(List<TablePattern> tables, String text, String label) {
    try {
      tables.add(new TablePattern(text.trim()));
    } catch (IllegalArgumentException e) {
      v.problems().add(label + ": " + e.getMessage());
    }
  }

  private GroupConfig group(int index, JsonNode n) {
    String where = "groups[" + index + "]";
    if (!n.isObject()) {
      v.problems().add(where + " must be a mapping with name, tables and partitions");
      return null;
    }
    n.fieldNames()
        .forEachRemaining(
            f -> {
              if (!GROUP_FIELDS.contains(f)) {
                v.problems()
                    .add(
                        "unknown key '"
                            + where
                            + "."
                            + f
                            + "'"
                            + ConfigLoader.closest(f, GROUP_FIELDS)
                                .map(s -> " (did you mean '" + s + "'?)")
                                .orElse(" (expected one of " + GROUP_FIELDS + ")"));
              }
            });
    String name = n.path(ConfigKeys.groupField(ConfigKeys.GROUP_NAME)).asText("");
    if (name.isEmpty()) {
      v.problems().add(where + ".name is required");
    } else {
      v.checkPattern(ConfigKeys.GROUP_NAME, where + ".name", name);
    }
    String label = label(index, name);
    List<TablePattern> tables = new ArrayList<>();
    JsonNode t = n.path(ConfigKeys.groupField(ConfigKeys.GROUP_TABLES));
    boolean blankItem = false;
    if (t.isArray()) {
      for (JsonNode item : t) {
        // Only text: asText() of an empty list item (YAML null) is "null", a table nobody meant.
        if (item.isTextual() && !item.asText().isBlank()) {
          addPattern(tables, item.asText(), label);
        } else {
          blankItem = true;
        }
      }
    } else if (t.isTextual() && !t.asText().isBlank()) {
      addPattern(tables, t.asText(), label);
    }
    if (tables.isEmpty()) {
      v.problems().add(label + ": tables must list at least one table name or pattern");
    } else if (blankItem) {
      v.problems().add(label + ": every item of tables must be a table name or pattern");
    }
    return new GroupConfig(
        name,
        tables,
        v.integer(ConfigKeys.GROUP_PARTITIONS, label, n),
        v.choice(ConfigKeys.GROUP_TRUNCATE, label, n, TruncatePolicy.class),
        v.choice(ConfigKeys.GROUP_ON_BAD_DATA, label, n, BadDataPolicy.class),
        columnsByTable(label, n, ConfigKeys.GROUP_KEY_COLUMNS),
        columnsByTable(label, n, ConfigKeys.GROUP_EXCLUDE_COLUMNS),
        v.optDuration(ConfigKeys.GROUP_ALERT_LAG, label, n),
        v.optDuration(ConfigKeys.GROUP_ALERT_PAUSED, label, n),
        v.optDuration(ConfigKeys.GROUP_VERIFY_INTERVAL, label, n),
        queryTables(label, n));
  }

  /** The group's query capture settings: watermark columns by table, each table in one mode. */
  private QueryTables queryTables(String label, JsonNode n) {
    Map<String, String> watermark = watermarkColumns(label, n, ConfigKeys.GROUP_WATERMARK);
    Map<String, String> appendOnly = watermarkColumns(label, n, ConfigKeys.GROUP_APPEND_ONLY);
    for (String t : watermark.keySet()) {
      if (appendOnly.containsKey(t)) {
        v.problems()
            .add(label + ": table " + t + " is under both watermark and append-only; pick one");
      }
    }
    return new QueryTables(
        watermark, appendOnly, v.optDuration(ConfigKeys.GROUP_DIFF_INTERVAL, label, n));
  }

  private Map<String, String> watermarkColumns(String label, JsonNode n, ConfigKey groupKey) {
    Map<String, String> out = new LinkedHashMap<>();
    columnsByTable(label, n, groupKey)
        .forEach(
            (table, cols) -> {
              if (cols.size() != 1) {
                v.problems()
                    .add(
                        label
                            + ": "
                            + ConfigKeys.groupField(groupKey)
                            + " of "
                            + table
                            + " must name one watermark column, not "
                            + cols);
              } else {
                out.put(table, cols.get(0));
              }
            });
    return out;
  }

  /** A map of table names to column lists, such as {@code key-columns}. */
  private Map<String, List<String>> columnsByTable(String label, JsonNode n, ConfigKey groupKey) {
    String key = ConfigKeys.groupField(groupKey);
    Map<String, List<String>> keys = new LinkedHashMap<>();
    JsonNode k = n.path(key);
    if (k.isMissingNode() || k.isNull()) {
      return keys;
    }
    if (!k.isObject()) {
      v.problems().add(label + ": " + key + " must map `schema.table` to `col1,col2`");
      return keys;
    }
    k.fields()
        .forEachRemaining(
            e -> {
              List<String> cols = new ArrayList<>();
              JsonNode value = e.getValue();
              if (value.isTextual()) {
                for (String c : value.asText().split(",")) {
                  if (!c.isBlank()) {
                    cols.add(c.trim());
                  }
                }
              } else if (value.isArray()) {
                value.forEach(c -> cols.add(c.asText().trim()));
              }
              if (cols.isEmpty() || cols.stream().anyMatch(String::isEmpty)) {
                v.problems()
                    .add(
                        label
                            + ": "
                            + key
                            + " of "
                            + e.getKey()
                            + " must list column names, as `col1,col2`");
              } else {
                try {
                  keys.put(new TablePattern(e.getKey()).qualified(), cols);
                } catch (IllegalArgumentException bad) {
                  v.problems().add(label + ": " + key + ": " + bad.getMessage());
                }
              }
            });
    return keys;
  }
}
