package io.sluice.capture;

import io.sluice.capture.internal.SourceTypes;
import io.sluice.capture.internal.SourceTypes.ColumnType;
import io.sluice.capture.internal.SourceVersion;
import io.sluice.core.ConfigException;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.TablePattern;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.UserType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the configured groups against the source catalog and checks that sluice can capture
 * every table exactly. Reports every problem at once: missing tables, patterns that match nothing,
 * tables claimed by two groups, tables without a usable key, and columns of types sluice does not
 * carry exactly yet ({@link SourceTypes} decides which, and which enums, domains and extensions the
 * target needs). Columns listed under a group's {@code exclude-columns} are left out; stored
 * generated columns are carried as such, for the target to generate.
 */
public final class SourceCatalog {
  /** Schema holding sluice's own objects on the source (the heartbeat table); never captured. */
  public static final String SLUICE_SCHEMA = "sluice";

  private static final String TABLES =
      "SELECT c.oid, n.nspname, c.relname, c.relreplident FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
          + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', '"
          + SLUICE_SCHEMA
          + "')"
          + " AND n.nspname NOT LIKE 'pg\\_%'";
  private static final String COLUMNS =
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atttypid,"
          + " a.attgenerated <> '', pg_get_expr(d.adbin, d.adrelid), a.attnum FROM pg_attribute a"
          + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
          + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
  private static final String PRIMARY_KEY =
      "SELECT a.attname FROM pg_index i"
          + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
          + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
          + " WHERE i.indrelid = ? AND i.indisprimary ORDER BY k.ord";

  private SourceCatalog() {}

  public static CapturedTables resolve(Connection source, PipelineConfig config)
      throws SQLException {
    SourceVersion.check(source);
    List<String> problems = new ArrayList<>();
    Map<TableId, SourceTable> all = listTables(source);
    Map<TableId, GroupConfig> groupOf = new LinkedHashMap<>();
    for (GroupConfig g : config.groups()) {
      for (TablePattern p : g.tables()) {
        List<TableId> matched = all.keySet().stream().filter(p::matches).sorted().toList();
        if (matched.isEmpty()) {
          problems.add(
              p.isPattern()
                  ? "group '" + g.name() + "': pattern " + p + " matches no table in the source"
                  : "group '"
                      + g.name()
                      + "': table "
                      + p.qualified()
                      + " does not exist in the source database"
                      + nearest(p, all.keySet()));
        }
        for (TableId t : matched) {
          GroupConfig previous = groupOf.putIfAbsent(t, g);
          if (previous != null && !previous.name().equals(g.name())) {
            problems.add(
                "table "
                    + t
                    + " is matched by groups '"
                    + previous.name()
                    + "' and '"
                    + g.name()
                    + "'; a table belongs to one group");
          }
        }
      }
    }
    Map<TableId, TableSchema> schemas = new HashMap<>();
    SourceTypes types = new SourceTypes(source);
    for (String type : types.typesDebeziumCannotLoad()) {
      problems.add(
          "type "
              + type
              + " is a domain over an enum (or another type of category E that is no enum):"
              + " Debezium 3.6.3 cannot start while the source database has one, captured or not");
    }
    for (TableId t : groupOf.keySet()) {
      TableSchema s = describe(source, types, all.get(t), groupOf.get(t), problems);
      if (s != null) {
        schemas.put(t, s);
      }
    }
    for (GroupConfig g : config.groups()) {
      tablesOutsideGroup(g, "key-columns", g.keyColumns().keySet(), groupOf, problems);
      tablesOutsideGroup(g, "exclude-columns", g.excludeColumns().keySet(), groupOf, problems);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new CapturedTables(schemas, groupOf);
  }

  private static void tablesOutsideGroup(
      GroupConfig g,
      String setting,
      java.util.Set<String> tables,
      Map<TableId, GroupConfig> groupOf,
      List<String> problems) {
    for (String table : tables) {
      boolean inGroup =
          groupOf.entrySet().stream()
              .anyMatch(e -> e.getKey().toString().equals(table) && e.getValue() == g);
      if (!inGroup) {
        problems.add(
            "group '"
                + g.name()
                + "': "
                + setting
                + " names table "
                + table
                + ", which is not one of the group's tables");
      }
    }
  }

  /**
   * Reads one captured table's current structure, as {@link #resolve} would, for a table whose
   * structure changed while capture runs.
   *
   * @throws ConfigException naming what sluice cannot carry (a new column of an unsupported type)
   */
  public static TableSchema describe(Connection source, TableId table, GroupConfig group)
      throws SQLException {
    SourceTable t = listTables(source).get(table);
    if (t == null) {
      throw new ConfigException(List.of("captured table " + table + " no longer exists"));
    }
    List<String> problems = new ArrayList<>();
    TableSchema schema = describe(source, new SourceTypes(source), t, group, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return schema;
  }

  private static Map<TableId, SourceTable> listTables(Connection c) throws SQLException {
    Map<TableId, SourceTable> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(TABLES);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        TableId id = new TableId(rs.getString(2), rs.getString(3));
        out.put(id, new SourceTable(id, rs.getLong(1), rs.getString(4).charAt(0)));
      }
    }
    return out;
  }

  /**
   * A hint for a name that matched nothing: the tables whose names differ from it only in case,
   * written as the configuration must write them.
   */
  private static String nearest(TablePattern p, java.util.Collection<TableId> tables) {
    List<String> close =
        tables.stream()
            .filter(t -> t.toString().equalsIgnoreCase(p.qualified()))
            .map(SourceCatalog::configName)
            .sorted()
            .toList();
    return close.isEmpty()
        ? ""
        : "; did you mean " + String.join(" or ", close) + "? Names are matched as written";
  }

  /** How a configuration names a table: a part holding a dot, * or " in double quotes. */
  static String configName(TableId t) {
    return configPart(t.schema()) + "." + configPart(t.table());
  }

  private static String configPart(String name) {
    return name.contains(".") || name.contains("*") || name.contains("\"")
        ? "\"" + name.replace("\"", "\"\"") + "\""
        : name;
  }

  private static TableSchema describe(
      Connection c, SourceTypes types, SourceTable t, GroupConfig group, List<String> problems)
      throws SQLException {
    List<ColumnSchema> columns = new ArrayList<>();
    Map<String, UserType> userTypes = new LinkedHashMap<>();
    Map<String, String> reread = new LinkedHashMap<>();
    java.util.Set<String> excluded =
        new java.util.LinkedHashSet<>(group.excludedColumns(t.id.toString()));
    int before = problems.size();
    try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
      ps.setLong(1, t.oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String type = rs.getString(2);
          if (excluded.remove(name)) {
            continue;
          }
          ColumnType carried = types.resolve(rs.getLong(4), type);
          if (!carried.carried()) {
            problems.add(
                "table "
                    + t.id
                    + " column "
                    + name
                    + " has type "
                    + type
                    + ", "
                    + carried.problem()
                    + ": leave the column out with exclude-columns of group '"
                    + group.name()
                    + "' ("
                    + configName(t.id)
                    + ": "
                    + name
                    + "), or take the table out of the group");
            continue;
          }
          carried.userTypes().forEach(u -> userTypes.putIfAbsent(u.quoted(), u));
          boolean nullable = !rs.getBoolean(3);
          columns.add(
              rs.getBoolean(5)
                  ? ColumnSchema.generated(
                      name, carried.targetType(), nullable, rs.getString(6), rs.getInt(7))
                  : new ColumnSchema(
                      name, carried.targetType(), nullable, rs.getString(6), rs.getInt(7)));
          if (carried.reread()) {
            reread.put(name, type);
          }
        }
      }
    }
    for (String missing : excluded) {
      problems.add(
          "exclude-columns of table "
              + t.id
              + " in group '"
              + group.name()
              + "': no column "
              + missing);
    }
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY)) {
      ps.setLong(1, t.oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    List<String> configured = group.keyColumns().get(t.id.toString());
    if (configured != null) {
      if (!key.isEmpty()) {
        problems.add(
            "table "
                + t.id
                + " has a primary key "
                + key
                + "; remove it from key-columns of group '"
                + group.name()
                + "'");
      }
      for (String k : configured) {
        if (columns.stream().noneMatch(col -> col.name().equals(k))) {
          problems.add(
              "key-columns of table " + t.id + " in group '" + group.name() + "': no column " + k);
        }
      }
      if (key.isEmpty() && t.replicaIdentity != 'f') {
        problems.add(
            "table "
                + t.id
                + " is keyed by key-columns "
                + configured
                + " but updates and deletes carry no old values without REPLICA IDENTITY FULL:"
                + " ALTER TABLE "
                + t.id.quoted()
                + " REPLICA IDENTITY FULL");
      }
      key = configured;
    } else if (key.isEmpty() && t.replicaIdentity != 'f') {
      problems.add(
          "table "
              + t.id
              + " has no primary key: set ALTER TABLE "
              + t.id.quoted()
              + " REPLICA IDENTITY FULL (rows are then told apart by their values; identical rows"
              + " may repeat), or list the columns that identify a row under key-columns of group '"
              + group.name()
              + "' ("
              + t.id
              + ": col1,col2) and set REPLICA IDENTITY FULL");
    } else if (key.isEmpty()) {
      for (Map.Entry<String, String> lossy : reread.entrySet()) {
        problems.add(
            "table "
                + t.id
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
    } else if (t.replicaIdentity == 'n') {
      problems.add(
          "table "
              + t.id
              + " has REPLICA IDENTITY NOTHING, so deletes carry no key:"
              + " ALTER TABLE "
              + t.id.quoted()
              + " REPLICA IDENTITY DEFAULT");
    }
    for (String k : key) {
      if (group.excludedColumns(t.id.toString()).contains(k)) {
        problems.add(
            "table "
                + t.id
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
                          + t.id
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
                + t.id
                + " key column "
                + k
                + " has type "
                + reread.get(k)
                + ", whose streamed values sluice reads again from the source row by key (a"
                + " timetz loses its offset in Debezium 3.6.3, an infinite interval arrives as 0):"
                + " it cannot be part of the key");
      }
    }
    return problems.size() == before
        ? new TableSchema(t.id, columns, key, List.copyOf(userTypes.values()))
        : null;
  }

  private record SourceTable(TableId id, long oid, char replicaIdentity) {}
}
