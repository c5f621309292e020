package io.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Binds validated values to the configuration records, recording every problem it meets. */
final class ConfigBinder {
  private static final Pattern PIPELINE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** Keys of a group entry, in documentation order, taken from {@link ConfigKeys#GROUP_KEYS}. */
  private static final List<String> GROUP_FIELDS =
      ConfigKeys.GROUP_KEYS.stream().map(k -> k.path().substring("groups[].".length())).toList();

  private final ConfigValues v;

  ConfigBinder(ConfigValues values) {
    this.v = values;
  }

  PipelineConfig bind() {
    String name = v.string("pipeline.name");
    if (!name.isEmpty() && !PIPELINE_NAME.matcher(name).matches()) {
      v.problems()
          .add(
              "pipeline.name '"
                  + name
                  + "' must start with a lowercase letter and hold only"
                  + " lowercase letters, digits and _ (at most 48)");
    }
    SourceConfig source =
        new SourceConfig(
            v.string("source.host"),
            v.integer("source.port", 1, 65535),
            v.string("source.database"),
            v.string("source.user"),
            v.secret("source.password"),
            v.optString("source.slot").orElse("sluice_" + name),
            v.optString("source.publication").orElse("sluice_" + name));
    TargetConfig target =
        new TargetConfig(
            v.string("target.host"),
            v.integer("target.port", 1, 65535),
            v.string("target.database"),
            v.string("target.user"),
            v.secret("target.password"),
            v.integer("target.pool-size", 1, 64));
    KafkaConfig kafka =
        new KafkaConfig(
            v.string("kafka.bootstrap-servers"),
            v.optString("kafka.topic-prefix").orElse("sluice." + name),
            v.integer("kafka.replication-factor", 1, 32),
            v.stringMap("kafka.properties"));
    DynamoDbConfig dynamo =
        new DynamoDbConfig(
            v.string("dynamodb.region"),
            v.uri("dynamodb.endpoint"),
            v.optString("dynamodb.table-prefix").orElse("sluice-" + name + "-"),
            v.bool("dynamodb.local-credentials"));
    CaptureConfig capture =
        new CaptureConfig(
            v.duration("capture.heartbeat-interval"), v.duration("capture.lease-timeout"));
    ApplyConfig apply =
        new ApplyConfig(
            v.integer("apply.batch.rows", 1, 1_000_000),
            v.integer("apply.batch.bytes", 64 * 1024, Integer.MAX_VALUE),
            v.duration("apply.batch.linger"),
            v.choice("apply.truncate", TruncatePolicy.class).orElse(TruncatePolicy.APPLY),
            v.choice("apply.on-bad-data", BadDataPolicy.class).orElse(BadDataPolicy.HALT),
            v.duration("apply.lease-timeout"),
            v.duration("apply.control-poll"));
    AdminConfig admin =
        new AdminConfig(
            v.integer("admin.port", 0, 65_535),
            v.string("admin.bind"),
            v.secret("admin.read-token"),
            v.secret("admin.operate-token"));
    AlertConfig alerts =
        new AlertConfig(
            v.duration("alerts.lag"),
            v.duration("alerts.lag-critical"),
            v.duration("alerts.paused"));
    List<GroupConfig> groups = groups();
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
    return new PipelineConfig(
        name, source, target, kafka, dynamo, capture, apply, admin, alerts, groups);
  }

  private List<GroupConfig> groups() {
    JsonNode node = v.raw("groups");
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
      groups.add(g);
    }
    return groups;
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
    String name = n.path("name").asText("");
    if (name.isEmpty()) {
      v.problems().add(where + ".name is required");
    } else if (!GROUP_NAME.matcher(name).matches()) {
      v.problems()
          .add(where + ".name '" + name + "' may hold only lowercase letters, digits, _ and -");
    }
    String label = name.isEmpty() ? where : "group '" + name + "'";
    List<TablePattern> tables = new ArrayList<>();
    JsonNode t = n.path("tables");
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
    int partitions = 1;
    JsonNode p = n.path("partitions");
    if (!p.isMissingNode()) {
      if (!p.canConvertToInt() || !p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 1024) {
        v.problems().add(label + ": partitions must be a whole number from 1 to 1024");
      } else {
        partitions = p.asInt();
      }
    }
    Optional<TruncatePolicy> truncate =
        ConfigValues.choice(label + ": truncate", n.path("truncate"), TruncatePolicy.class, v);
    Optional<BadDataPolicy> onBadData =
        ConfigValues.choice(label + ": on-bad-data", n.path("on-bad-data"), BadDataPolicy.class, v);
    return new GroupConfig(
        name,
        tables,
        partitions,
        truncate,
        onBadData,
        columnsByTable(label, n, "key-columns"),
        columnsByTable(label, n, "exclude-columns"),
        positiveDuration(label + ": alert-lag", n.path("alert-lag")),
        positiveDuration(label + ": alert-paused", n.path("alert-paused")));
  }

  private Optional<Duration> positiveDuration(String where, JsonNode n) {
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    try {
      Duration d = Durations.parse(n.asText().trim());
      if (d.isNegative() || d.isZero()) {
        v.problems().add(where + " must be longer than 0, not '" + n.asText() + "'");
        return Optional.empty();
      }
      return Optional.of(d);
    } catch (IllegalArgumentException | ArithmeticException e) {
      v.problems()
          .add(
              where
                  + " must be a duration such as 200ms, 10s, 5m, 1h or PT10S, not '"
                  + n.asText()
                  + "'");
      return Optional.empty();
    }
  }

  /** A map of table names to column lists, such as {@code key-columns}. */
  private Map<String, List<String>> columnsByTable(String label, JsonNode n, String key) {
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
