package io.sluice.capture.internal;

import io.sluice.capture.internal.CatalogReader.SourceColumn;
import io.sluice.capture.internal.CatalogReader.TableFacts;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.TargetLayout;
import io.sluice.core.schema.UserType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a table's catalog facts allow sluice to capture, under its group's {@code key-columns} and
 * {@code exclude-columns}: every column carried exactly or left out, and a key that names each row
 * in every change (a primary key, or configured key columns with {@code REPLICA IDENTITY FULL}), or
 * none where rows are told apart by their values. Each rule broken adds one problem that says what
 * to change; no I/O.
 */
public final class TableRules {
  private TableRules() {}

  /**
   * The structure sluice captures the table with, or empty when a rule is broken (each broken rule
   * added to {@code problems}).
   */
  public static Optional<TableSchema> schemaOf(
      TableFacts t, GroupConfig group, List<String> problems) {
    return schemaOf(t, group, CaptureMethod.LOG, problems);
  }

  /**
   * As {@link #schemaOf(TableFacts, GroupConfig, List)}, for the given capture method: query
   * capture reads rows by their key and every value as text, so replica identity and the types
   * Debezium loses do not matter to it, but a key does.
   */
  public static Optional<TableSchema> schemaOf(
      TableFacts t, GroupConfig group, CaptureMethod method, List<String> problems) {
    int before = problems.size();
    List<ColumnSchema> columns = new ArrayList<>();
    Map<String, UserType> userTypes = new LinkedHashMap<>();
    Map<String, String> reread = new LinkedHashMap<>();
    Set<String> excluded = new LinkedHashSet<>(group.excludedColumns(t.id().toString()));
    for (SourceColumn col : t.columns()) {
      // A database that is itself the target of a sluice pipeline (the new primary after a
      // cutover, the old one during its rollback window) has sluice's position column on every
      // table: it belongs to that pipeline, never to the rows carried.
      if (excluded.remove(col.name()) || col.name().equals(TargetLayout.POSITION_COLUMN)) {
        continue;
      }
      if (!col.type().carried()) {
        problems.add(
            "table "
                + t.id()
                + " column "
                + col.name()
                + " has type "
                + col.sourceType()
                + ", "
                + col.type().problem()
                + ": leave the column out with exclude-columns of group '"
                + group.name()
                + "' ("
                + configName(t.id())
                + ": "
                + col.name()
                + "), or take the table out of the group");
        continue;
      }
      col.type().userTypes().forEach(u -> userTypes.putIfAbsent(u.quoted(), u));
      String targetType = col.type().targetType();
      columns.add(
          col.generated()
              ? ColumnSchema.generated(
                  col.name(), targetType, col.nullable(), col.defaultExpression(), col.attnum())
              : new ColumnSchema(
                  col.name(), targetType, col.nullable(), col.defaultExpression(), col.attnum()));
      if (col.type().reread()) {
        reread.put(col.name(), col.sourceType());
      }
    }
    for (String missing : excluded) {
      problems.add(
          "exclude-columns of table "
              + t.id()
              + " in group '"
              + group.name()
              + "': no column "
              + missing);
    }
    if (method == CaptureMethod.QUERY) {
      reread.clear(); // read as text from the table itself, never from a stream
    }
    List<String> key =
        method == CaptureMethod.QUERY
            ? queryKey(t, group, columns, problems)
            : key(t, group, columns, reread, problems);
    keyColumnRules(t, group, key, columns, reread, problems);
    return problems.size() == before
        ? Optional.of(new TableSchema(t.id(), columns, key, List.copyOf(userTypes.values())))
        : Optional.empty();
  }

  /** Query capture's key: the primary key, else key-columns; a table with neither is refused. */
  private static List<String> queryKey(
      TableFacts t, GroupConfig group, List<ColumnSchema> columns, List<String> problems) {
    List<String> configured = group.keyColumns().get(t.id().toString());
    if (configured == null) {
      if (t.primaryKey().isEmpty()) {
        problems.add(
            "table "
                + t.id()
                + " has no primary key, and query capture names rows by key: list the columns"
                + " that identify a row under key-columns of group '"
                + group.name()
                + "' ("
                + configName(t.id())
                + ": col1,col2)");
      }
      return t.primaryKey();
    }
    if (!t.primaryKey().isEmpty()) {
      problems.add(
          "table "
              + t.id()
              + " has a primary key "
              + t.primaryKey()
              + "; remove it from key-columns of group '"
              + group.name()
              + "'");
    }
    for (String k : configured) {
      if (columns.stream().noneMatch(col -> col.name().equals(k))) {
        problems.add(
            "key-columns of table " + t.id() + " in group '" + group.name() + "': no column " + k);
      }
    }
    return configured;
  }

  /** The key changes name rows by: the primary key, else key-columns, else none. */
  private static List<String> key(
      TableFacts t,
      GroupConfig group,
      List<ColumnSchema> columns,
      Map<String, String> reread,
      List<String> problems) {
    List<String> primaryKey = t.primaryKey();
    char identity = t.replicaIdentity();
    List<String> configured = group.keyColumns().get(t.id().toString());
    if (configured != null) {
      if (!primaryKey.isEmpty()) {
        problems.add(
            "table "
                + t.id()
                + " has a primary key "
                + primaryKey
                + "; remove it from key-columns of group '"
                + group.name()
                + "'");
      }
      for (String k : configured) {
        if (columns.stream().noneMatch(col -> col.name().equals(k))) {
          problems.add(
              "key-columns of table "
                  + t.id()
                  + " in group '"
                  + group.name()
                  + "': no column "
                  + k);
        }
      }
      if (primaryKey.isEmpty() && identity != 'f') {
        problems.add(
            "table "
                + t.id()
                + " is keyed by key-columns "
                + configured
                + " but updates and deletes carry no old values without REPLICA IDENTITY FULL:"
                + " ALTER TABLE "
                + t.id().quoted()
                + " REPLICA IDENTITY FULL");
      }
      return configured;
    }
    if (primaryKey.isEmpty() && identity != 'f') {
      problems.add(
          "table "
              + t.id()
              + " has no primary key: set ALTER TABLE "
              + t.id().quoted()
              + " REPLICA IDENTITY FULL (rows are then told apart by their values; identical rows"
              + " may repeat), or list the columns that identify a row under key-columns of group '"
              + group.name()
              + "' ("
              + t.id()
              + ": col1,col2) and set REPLICA IDENTITY FULL");
    } else if (primaryKey.isEmpty()) {
      for (Map.Entry<String, String> lossy : reread.entrySet()) {
        problems.add(
            "table "
                + t.id()
                + " has no key and column "
                + lossy.getKey()
                + " has type "
                + lossy.getValue()
                + ", whose streamed values sluice reads again from the source row by key (a"
                + " timetz loses its offset in Debezium 3.6.3, an infinite interval arrives as 0):"
                + " list key columns under key-columns of group '"
                + group.name()
                + "'");
      }
    } else if (identity == 'n') {
      problems.add(
          "table "
              + t.id()
              + " has REPLICA IDENTITY NOTHING, so deletes carry no key:"
              + " ALTER TABLE "
              + t.id().quoted()
              + " REPLICA IDENTITY DEFAULT");
    }
    return primaryKey;
  }

  /** A key column must be carried, streamed as written, and read as written. */
  private static void keyColumnRules(
      TableFacts t,
      GroupConfig group,
      List<String> key,
      List<ColumnSchema> columns,
      Map<String, String> reread,
      List<String> problems) {
    for (String k : key) {
      if (group.excludedColumns(t.id().toString()).contains(k)) {
        problems.add(
            "table "
                + t.id()
                + " key column "
                + k
                + " is listed under exclude-columns of group '"
                + group.name()
                + "': the key identifies rows, so it cannot be left out");
        continue;
      }
      columns.stream()
          .filter(col -> col.name().equals(k) && col.isGenerated())
          .forEach(
              col ->
                  problems.add(
                      "table "
                          + t.id()
                          + " key column "
                          + k
                          + " is generated, and logical replication does not carry generated"
                          + " columns, so changes could not name their row: list other key"
                          + " columns under key-columns of group '"
                          + group.name()
                          + "' and set REPLICA IDENTITY FULL"));
      if (reread.containsKey(k)) {
        problems.add(
            "table "
                + t.id()
                + " key column "
                + k
                + " has type "
                + reread.get(k)
                + ", whose streamed values sluice reads again from the source row by key (a"
                + " timetz loses its offset in Debezium 3.6.3, an infinite interval arrives as 0):"
                + " it cannot be part of the key");
      }
    }
  }

  /** How a configuration names a table: a part holding a dot, * or " in double quotes. */
  public static String configName(TableId t) {
    return configPart(t.schema()) + "." + configPart(t.table());
  }

  private static String configPart(String name) {
    return name.contains(".") || name.contains("*") || name.contains("\"")
        ? "\"" + name.replace("\"", "\"\"") + "\""
        : name;
  }
}
