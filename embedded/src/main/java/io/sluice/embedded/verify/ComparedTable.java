package io.sluice.embedded.verify;

import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A table to compare between source and target: its qualified name, its primary key (which orders
 * the rows for hashing) and the columns to compare, normally the source's columns in table order,
 * so that extra target columns such as {@code _sluice_lsn} are left out.
 */
public record ComparedTable(
    String schema, String table, List<String> primaryKey, List<String> columns) {

  public ComparedTable {
    if (primaryKey.isEmpty()) {
      throw new IllegalArgumentException(
          schema + "." + table + " has no primary key; rows could not be ordered for hashing");
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException(schema + "." + table + " has no columns to compare");
    }
    primaryKey = List.copyOf(primaryKey);
    columns = List.copyOf(columns);
  }

  /**
   * Reads the primary key and columns of {@code schema.table} from {@code connection}'s catalog
   * (normally the source's).
   *
   * @throws SQLException if the table does not exist
   * @throws IllegalArgumentException if it has no primary key
   */
  public static ComparedTable fromCatalog(Connection connection, String schema, String table)
      throws SQLException {
    List<String> columns =
        strings(
            connection,
            "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass"
                + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            schema,
            table);
    List<String> primaryKey =
        strings(
            connection,
            "SELECT a.attname FROM pg_index i"
                + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                + " WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.position",
            schema,
            table);
    return new ComparedTable(schema, table, primaryKey, columns);
  }

  /** The quoted, schema-qualified name for SQL. */
  String qualifiedName() {
    return TableId.quote(schema) + "." + TableId.quote(table);
  }

  @Override
  public String toString() {
    return schema + "." + table;
  }

  private static List<String> strings(
      Connection connection, String sql, String schema, String table) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, TableId.quote(schema) + "." + TableId.quote(table));
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          values.add(result.getString(1));
        }
      }
    }
    return values;
  }
}
