package io.sluice.apply.internal;

import static io.sluice.apply.TargetSchema.POSITION_COLUMN;
import static io.sluice.apply.TargetSchema.SLUICE_SCHEMA;

import io.sluice.core.event.RowKeyText;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The SQL apply runs for one target table. Rows go through a session-local staging table by COPY;
 * every statement that writes a row is guarded so that only a newer source position wins, a
 * tombstone blocks older re-inserts, and a truncation mark blocks anything older than the truncate.
 */
final class TableStatements {
  private final TableSchema table;
  private final String staging;
  private final String literal;
  private final List<ColumnSchema> nonKey;
  private final Map<String, String> stagingTypes;
  private final ConcurrentHashMap<String, String> updateKeepingUnchanged =
      new ConcurrentHashMap<>();

  TableStatements(TableSchema table, String ordinal) {
    this(table, ordinal, Map.of());
  }

  /**
   * @param stagingTypes per column, the type staging holds it in when it is not the column's own (a
   *     domain's base type, see {@link TargetTable#stagingTypes})
   */
  TableStatements(TableSchema table, String ordinal, Map<String, String> stagingTypes) {
    this.table = table;
    this.stagingTypes = Map.copyOf(stagingTypes);
    this.staging = "sluice_stg_" + ordinal;
    this.literal = "'" + table.id().toString().replace("'", "''") + "'";
    this.nonKey =
        table.columns().stream().filter(c -> !table.keyColumns().contains(c.name())).toList();
  }

  TableSchema table() {
    return table;
  }

  String createStaging() {
    String cols =
        table.columns().stream()
            .map(c -> c.quotedName() + " " + stagingTypes.getOrDefault(c.name(), c.type()))
            .collect(Collectors.joining(", "));
    return "CREATE TEMP TABLE IF NOT EXISTS "
        + staging
        + " ("
        + cols
        + ", "
        + POSITION_COLUMN
        + " bigint, _sluice_key text, _sluice_op \"char\", _sluice_unchanged text)"
        + " ON COMMIT DELETE ROWS";
  }

  String clearStaging() {
    return "DELETE FROM " + staging;
  }

  String copy() {
    return "COPY "
        + staging
        + " ("
        + columnList("")
        + ", "
        + POSITION_COLUMN
        + ", _sluice_key, _sluice_op, _sluice_unchanged) FROM STDIN";
  }

  String upsert() {
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(table.id().quoted())
            .append(" AS t (")
            .append(columnList(""))
            .append(", ")
            .append(POSITION_COLUMN)
            .append(") SELECT ")
            .append(columnList("s."))
            .append(", s.")
            .append(POSITION_COLUMN)
            .append(" FROM ")
            .append(staging)
            .append(" s WHERE s._sluice_op = 'u' AND s._sluice_unchanged IS NULL AND s.")
            .append(POSITION_COLUMN)
            .append(" > coalesce((SELECT x.lsn FROM ")
            .append(SLUICE_SCHEMA)
            .append(".truncations x WHERE x.tbl = ")
            .append(literal)
            .append("), -1) AND NOT EXISTS (SELECT 1 FROM ")
            .append(SLUICE_SCHEMA)
            .append(".tombstones b WHERE b.tbl = ")
            .append(literal)
            .append(" AND b.key = s._sluice_key AND b.lsn >= s.")
            .append(POSITION_COLUMN)
            .append(") ON CONFLICT (")
            .append(table.quotedKeyList())
            .append(") DO UPDATE SET ");
    for (ColumnSchema c : nonKey) {
      sql.append(c.quotedName()).append(" = EXCLUDED.").append(c.quotedName()).append(", ");
    }
    return sql.append(POSITION_COLUMN)
        .append(" = EXCLUDED.")
        .append(POSITION_COLUMN)
        .append(" WHERE t.")
        .append(POSITION_COLUMN)
        .append(" < EXCLUDED.")
        .append(POSITION_COLUMN)
        .toString();
  }

  /**
   * How a set of unchanged columns travels through staging: the sorted names as a JSON array, so a
   * name may hold any character (a comma-joined list would split {@code "a,b"} in two).
   */
  static String unchangedKey(Collection<String> columns) {
    return RowKeyText.of(new TreeSet<>(columns));
  }

  /** An update of rows whose given TOASTed columns were not resent: those keep their value. */
  String updateKeeping(Set<String> keep) {
    String key = unchangedKey(keep);
    return updateKeepingUnchanged.computeIfAbsent(
        key,
        k -> {
          StringBuilder sql =
              new StringBuilder("UPDATE ").append(table.id().quoted()).append(" AS t SET ");
          for (ColumnSchema c : nonKey) {
            if (!keep.contains(c.name())) {
              sql.append(c.quotedName()).append(" = s.").append(c.quotedName()).append(", ");
            }
          }
          sql.append(POSITION_COLUMN).append(" = s.").append(POSITION_COLUMN);
          return sql.append(" FROM ")
              .append(staging)
              .append(" s WHERE s._sluice_op = 'u' AND s._sluice_unchanged = ")
              .append("'" + k.replace("'", "''") + "'")
              .append(" AND ")
              .append(keyMatch())
              .append(" AND t.")
              .append(POSITION_COLUMN)
              .append(" < s.")
              .append(POSITION_COLUMN)
              .toString();
        });
  }

  String delete() {
    return "DELETE FROM "
        + table.id().quoted()
        + " AS t USING "
        + staging
        + " s WHERE"
        + " s._sluice_op = 'd' AND "
        + keyMatch()
        + " AND t."
        + POSITION_COLUMN
        + " < s."
        + POSITION_COLUMN;
  }

  String tombstones() {
    return "INSERT INTO "
        + SLUICE_SCHEMA
        + ".tombstones AS b (tbl, key, lsn) SELECT "
        + literal
        + ", s._sluice_key, s."
        + POSITION_COLUMN
        + " FROM "
        + staging
        + " s WHERE s._sluice_op"
        + " = 'd' ON CONFLICT (tbl, key) DO UPDATE SET lsn = EXCLUDED.lsn WHERE b.lsn <"
        + " EXCLUDED.lsn";
  }

  List<String> truncate(long lsn) {
    return List.of(
        "DELETE FROM " + table.id().quoted() + " WHERE " + POSITION_COLUMN + " < " + lsn,
        "INSERT INTO "
            + SLUICE_SCHEMA
            + ".truncations AS x (tbl, lsn) VALUES ("
            + literal
            + ", "
            + lsn
            + ") ON CONFLICT (tbl) DO UPDATE SET lsn = greatest(x.lsn, EXCLUDED.lsn)",
        "DELETE FROM "
            + SLUICE_SCHEMA
            + ".tombstones WHERE tbl = "
            + literal
            + " AND lsn < "
            + lsn);
  }

  private String keyMatch() {
    return table.keyColumns().stream()
        .map(k -> "t." + TableId.quote(k) + " = s." + TableId.quote(k))
        .collect(Collectors.joining(" AND "));
  }

  private String columnList(String prefix) {
    return table.columns().stream()
        .map(c -> prefix + c.quotedName())
        .collect(Collectors.joining(", "));
  }
}
