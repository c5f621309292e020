package io.sluice.apply.internal;

import io.sluice.apply.TargetSchema;
import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a target table's columns and key from the target catalog. */
public final class TargetTable {
  private static final String COLUMNS =
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,"
          + " CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END"
          + " FROM pg_attribute a"
          + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
          + " WHERE a.attrelid = ?::regclass AND a.attnum > 0"
          + " AND NOT a.attisdropped ORDER BY a.attnum";
  private static final String KEY =
      "SELECT a.attname FROM pg_index i"
          + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
          + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
          + " WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.ord";

  /** Each column's type with domains resolved to their base type, through domains over domains. */
  private static final String STAGING_TYPES =
      "WITH RECURSIVE chain(attname, typid, typmod) AS ("
          + " SELECT a.attname, a.atttypid, a.atttypmod FROM pg_attribute a"
          + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
          + " UNION ALL SELECT c.attname, t.typbasetype, t.typtypmod"
          + " FROM chain c JOIN pg_type t ON t.oid = c.typid WHERE t.typtype = 'd')"
          + " SELECT c.attname, format_type(c.typid, c.typmod)"
          + " FROM chain c JOIN pg_type t ON t.oid = c.typid WHERE t.typtype <> 'd'";

  private TargetTable() {}

  /**
   * The types a staging table uses for the table's columns: a domain's base type instead of the
   * domain, since staging holds NULLs a domain may reject (the non-key columns of a delete, and
   * unchanged TOASTed values). The domain's constraints still apply when rows reach the table.
   */
  public static Map<String, String> stagingTypes(Connection c, TableId id) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(STAGING_TYPES)) {
      ps.setString(1, id.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /**
   * The table's data columns (without the position column, with generated ones marked by their
   * expression) and primary key, if it has one.
   */
  public static TableSchema describe(Connection c, TableId id) throws SQLException {
    List<ColumnSchema> columns = new ArrayList<>();
    boolean hasPosition = false;
    try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
      ps.setString(1, id.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(1).equals(TargetSchema.POSITION_COLUMN)) {
            hasPosition = true;
          } else {
            columns.add(
                new ColumnSchema(
                    rs.getString(1), rs.getString(2), rs.getBoolean(3), null, 0, rs.getString(4)));
          }
        }
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        throw new SluiceException(
            "target table "
                + id
                + " does not exist; start the pipeline with `sluice run`, which"
                + " creates missing target tables",
            e);
      }
      throw e;
    }
    if (!hasPosition) {
      throw new SluiceException(
          "target table " + id + " has no " + TargetSchema.POSITION_COLUMN + " column");
    }
    List<String> key = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(KEY)) {
      ps.setString(1, id.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          key.add(rs.getString(1));
        }
      }
    }
    // No primary key: the table holds the rows of a source table without one (a multiset).
    return new TableSchema(id, columns, key);
  }
}
