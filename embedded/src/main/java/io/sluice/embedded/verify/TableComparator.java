package io.sluice.embedded.verify;

import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Compares tables between a source and a target database by row count and content hash, computed
 * inside each database so that no rows travel to Java: the MD5 of each row's text, as 16 bytes,
 * concatenated in key order and hashed again.
 *
 * <pre>
 * SELECT count(*), md5(coalesce(string_agg(decode(md5(ROW(c1, c2, ...)::text), 'hex'), ''::bytea
 *   ORDER BY pk1, pk2), ''::bytea))
 * </pre>
 *
 * <p>Aggregating 16 bytes a row instead of the row texts keeps the aggregate under PostgreSQL's 1
 * GB limit of one value up to about 60 million rows (row texts of about 200 bytes reached it at
 * about 5 million) and makes the sort behind {@code ORDER BY} smaller. An empty table hashes to the
 * MD5 of the empty string.
 *
 * <p>Only the listed columns enter the row text, so target-only columns ({@code _sluice_lsn}) are
 * ignored, while any difference in a listed column's value or type rendering (a NUMERIC scale, a
 * timestamp's microseconds) shows. Each side is read in one read-only transaction with {@code
 * TimeZone=UTC} and ISO date and interval styles, so session settings cannot make equal data
 * differ; the connections' own settings are left as they were.
 */
public final class TableComparator {

  private final Connection source;
  private final Connection target;

  public TableComparator(Connection source, Connection target) {
    this.source = source;
    this.target = target;
  }

  /** Compares every table, in order. */
  public List<TableComparison> compare(List<ComparedTable> tables) throws SQLException {
    List<TableComparison> comparisons = new ArrayList<>(tables.size());
    for (ComparedTable table : tables) {
      comparisons.add(compare(table));
    }
    return comparisons;
  }

  public TableComparison compare(ComparedTable table) throws SQLException {
    String sql = hashQuery(table);
    Digest sourceDigest = digest(source, sql, table, "source");
    Digest targetDigest = digest(target, sql, table, "target");
    return new TableComparison(
        table, sourceDigest.rows(), targetDigest.rows(), sourceDigest.md5(), targetDigest.md5());
  }

  /** The statement each side runs: its row count and the MD5 of its rows' MD5s in key order. */
  public static String hashQuery(ComparedTable table) {
    String row = table.columns().stream().map(TableId::quote).collect(Collectors.joining(", "));
    String order =
        table.primaryKey().stream().map(TableId::quote).collect(Collectors.joining(", "));
    return "SELECT count(*), md5(coalesce(string_agg(decode(md5(ROW("
        + row
        + ")::text), 'hex'), ''::bytea ORDER BY "
        + order
        + "), ''::bytea)) FROM "
        + table.qualifiedName();
  }

  private record Digest(long rows, String md5) {}

  private static Digest digest(Connection connection, String sql, ComparedTable table, String side)
      throws SQLException {
    if (!connection.getAutoCommit()) {
      throw new IllegalStateException(
          "The "
              + side
              + " connection must be in auto-commit mode: each hash runs in its own read-only"
              + " transaction, which must not end work of the caller's");
    }
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TRANSACTION READ ONLY");
      statement.execute("SET LOCAL TimeZone = 'UTC'");
      statement.execute("SET LOCAL DateStyle = 'ISO, YMD'");
      statement.execute("SET LOCAL IntervalStyle = 'iso_8601'");
      statement.execute("SET LOCAL extra_float_digits = 3");
      try (ResultSet result = statement.executeQuery(sql)) {
        result.next();
        return new Digest(result.getLong(1), result.getString(2));
      }
    } catch (SQLException e) {
      throw new SQLException(
          "Could not hash " + table + " on the " + side + ": " + e.getMessage(),
          e.getSQLState(),
          e);
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }
}
