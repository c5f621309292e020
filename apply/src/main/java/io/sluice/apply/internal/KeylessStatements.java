package io.sluice.apply.internal;

import static io.sluice.apply.TargetSchema.POSITION_COLUMN;
import static io.sluice.apply.TargetSchema.SLUICE_SCHEMA;

import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL apply runs for one target table without a key, whose rows are a multiset. New rows are
 * copied straight into the table; a removed row is found by value, one row identical to the old row
 * at a time. The table's position in stream order lives in {@code _sluice.keyless_positions} and
 * moves in the same transaction as the rows, so a replayed change is recognised and skipped.
 */
final class KeylessStatements {
  private final TableSchema table;
  private final Map<String, String> stagingTypes;

  /**
   * @param stagingTypes per column, the type its values are read as when rows are compared (a
   *     domain's base type, see {@link TargetTable#stagingTypes})
   */
  KeylessStatements(TableSchema table, Map<String, String> stagingTypes) {
    this.table = table;
    this.stagingTypes = Map.copyOf(stagingTypes);
  }

  TableSchema table() {
    return table;
  }

  /** Reads the table's stored position and locks it for the transaction; binds the table's name. */
  String position() {
    return "SELECT commit_order, lsn FROM "
        + SLUICE_SCHEMA
        + ".keyless_positions WHERE tbl = ? FOR UPDATE";
  }

  /** Stores the table's position; binds the table's name, then the commit order and LSN. */
  String savePosition() {
    return "INSERT INTO "
        + SLUICE_SCHEMA
        + ".keyless_positions (tbl, commit_order, lsn) VALUES (?, ?, ?)"
        + " ON CONFLICT (tbl) DO UPDATE SET commit_order = EXCLUDED.commit_order,"
        + " lsn = EXCLUDED.lsn";
  }

  /** Copies new rows carrying the given columns, and their position, into the table. */
  String copy(List<String> columns) {
    return "COPY "
        + table.id().quoted()
        + " ("
        + columns.stream().map(TableId::quote).collect(Collectors.joining(", "))
        + ", "
        + POSITION_COLUMN
        + ") FROM STDIN";
  }

  /** Empties the table, for a truncate or a reload. */
  String deleteAll() {
    return "DELETE FROM " + table.id().quoted();
  }

  /**
   * Deletes one row whose compared columns hold the bound values, one per compared column in the
   * order given; with no compared column, any one row. Values are compared by their text in this
   * session, each bound value first cast to the column's staging type; NULL matches NULL.
   */
  String deleteOne(List<String> compared) {
    StringBuilder where = new StringBuilder();
    for (String column : compared) {
      where
          .append(where.length() == 0 ? "" : " AND ")
          .append(TableId.quote(column))
          .append("::text IS NOT DISTINCT FROM CAST(? AS ")
          .append(stagingTypes.get(column))
          .append(")::text");
    }
    return "DELETE FROM "
        + table.id().quoted()
        + " WHERE ctid = (SELECT ctid FROM "
        + table.id().quoted()
        + (compared.isEmpty() ? "" : " WHERE " + where)
        + " LIMIT 1)";
  }
}
