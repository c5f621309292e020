package io.sluice.capture;

import io.sluice.capture.internal.CatalogReader;
import io.sluice.capture.internal.CatalogReader.SourceTable;
import io.sluice.capture.internal.SourceTypes;
import io.sluice.capture.internal.SourceVersion;
import io.sluice.capture.internal.TableRules;
import io.sluice.core.ConfigException;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.TablePattern;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
  public static final String SLUICE_SCHEMA = CatalogReader.SLUICE_SCHEMA;

  private SourceCatalog() {}

  public static CapturedTables resolve(Connection source, PipelineConfig config)
      throws SQLException {
    SourceVersion.check(source, config.capture().method());
    List<String> problems = new ArrayList<>();
    Map<TableId, SourceTable> all = CatalogReader.tables(source);
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
      TableRules.schemaOf(
              CatalogReader.read(source, types, all.get(t)),
              groupOf.get(t),
              config.capture().method(),
              problems)
          .ifPresent(s -> schemas.put(t, s));
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
    return describe(source, table, group, CaptureMethod.LOG);
  }

  /** As {@link #describe(Connection, TableId, GroupConfig)}, under the given capture method. */
  public static TableSchema describe(
      Connection source, TableId table, GroupConfig group, CaptureMethod method)
      throws SQLException {
    SourceTable t = CatalogReader.tables(source).get(table);
    if (t == null) {
      throw new ConfigException(List.of("captured table " + table + " no longer exists"));
    }
    List<String> problems = new ArrayList<>();
    Optional<TableSchema> schema =
        TableRules.schemaOf(
            CatalogReader.read(source, new SourceTypes(source), t), group, method, problems);
    if (schema.isEmpty()) {
      throw new ConfigException(problems);
    }
    return schema.get();
  }

  /**
   * A hint for a name that matched nothing: the tables whose names differ from it only in case,
   * written as the configuration must write them.
   */
  private static String nearest(TablePattern p, java.util.Collection<TableId> tables) {
    List<String> close =
        tables.stream()
            .filter(t -> t.toString().equalsIgnoreCase(p.qualified()))
            .map(TableRules::configName)
            .sorted()
            .toList();
    return close.isEmpty()
        ? ""
        : "; did you mean " + String.join(" or ", close) + "? Names are matched as written";
  }
}
