package io.sluice.capture.internal;

import io.sluice.capture.internal.SourceTypes.ColumnType;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the source catalog says of its tables: which exist, and for one table its columns
 * (with how sluice would carry each type), its primary key and its replica identity. Facts only;
 * {@link TableRules} decides what they allow.
 */
public final class CatalogReader {
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

  private CatalogReader() {}

  /** A table sluice could capture: its catalog oid and its replica identity (d, f, i or n). */
  public record SourceTable(TableId id, long oid, char replicaIdentity) {}

  /**
   * A column as the catalog has it.
   *
   * @param sourceType the type as the source writes it ({@code format_type})
   * @param type how sluice carries it, or why it cannot
   * @param defaultExpression the column's default or generation expression, or null
   * @param attnum its attribute number
   */
  public record SourceColumn(
      String name,
      String sourceType,
      ColumnType type,
      boolean nullable,
      boolean generated,
      String defaultExpression,
      int attnum) {}

  /** One table's facts: its columns in attribute order and its primary key columns in order. */
  public record TableFacts(
      TableId id, char replicaIdentity, List<SourceColumn> columns, List<String> primaryKey) {}

  /** The ordinary and partitioned tables outside the system schemas and sluice's own. */
  public static Map<TableId, SourceTable> tables(Connection c) throws SQLException {
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

  /** Reads one table's columns, each type resolved by {@code types}, and its primary key. */
  public static TableFacts read(Connection c, SourceTypes types, SourceTable t)
      throws SQLException {
    List<SourceColumn> columns = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(2);
          columns.add(
              new SourceColumn(
                  rs.getString(1),
                  type,
                  types.resolve(rs.getLong(4), type),
                  !rs.getBoolean(3),
                  rs.getBoolean(5),
                  rs.getString(6),
                  rs.getInt(7)));
        }
      }
    }
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY)) {
      ps.setLong(1, t.oid());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    return new TableFacts(t.id(), t.replicaIdentity(), columns, key);
  }
}
