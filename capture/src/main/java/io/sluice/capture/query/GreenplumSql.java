package io.sluice.capture.query;

import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What sluice asks a Greenplum 7 coordinator that PostgreSQL has no answer to, kept apart so it can
 * be tested on its own. Greenplum is told by {@code version()}: it reports a PostgreSQL version
 * (12.12 for Greenplum 7.0) like any PostgreSQL server.
 */
public final class GreenplumSql {
  /**
   * The distribution key columns of a table, in key order: {@code gp_distribution_policy.distkey}
   * holds their attribute numbers. Empty for a randomly distributed or replicated table.
   */
  static final String DISTRIBUTION_KEY =
      "SELECT a.attname FROM gp_distribution_policy p"
          + " CROSS JOIN LATERAL unnest(p.distkey::int2[]) WITH ORDINALITY AS k(attnum, n)"
          + " JOIN pg_attribute a ON a.attrelid = p.localoid AND a.attnum = k.attnum"
          + " WHERE p.localoid = CAST(? AS regclass) ORDER BY k.n";

  /** Whether the server offers parallel retrieve cursors (Greenplum 7's endpoint functions). */
  static final String PARALLEL_RETRIEVE_CURSORS =
      "SELECT count(*) > 0 FROM pg_proc WHERE proname = 'gp_get_endpoints'";

  private GreenplumSql() {}

  /** Whether the server is Greenplum. */
  public static boolean isGreenplum(Connection c) throws SQLException {
    return isGreenplumVersion(version(c));
  }

  /** Whether a {@code version()} text is Greenplum's. */
  static boolean isGreenplumVersion(String version) {
    return version.contains("Greenplum Database");
  }

  private static String version(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The table's distribution key columns; empty when it has none (random, replicated). */
  public static List<String> distributionKey(Connection c, TableId table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(DISTRIBUTION_KEY)) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** Whether the server offers parallel retrieve cursors. */
  public static boolean parallelRetrieveCursors(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(PARALLEL_RETRIEVE_CURSORS)) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /**
   * The column a table's copy load splits into key ranges, among its key columns: one of integer
   * type, preferring one of the distribution key, so that every range spreads over all segments.
   * Key columns are NOT NULL, so ranges of one of them hold every row exactly once.
   *
   * @param integerKeyColumns the table's key columns of an integer type, in key order
   * @param distribution the table's distribution key columns
   */
  public static java.util.Optional<String> chunkColumn(
      List<String> integerKeyColumns, List<String> distribution) {
    return integerKeyColumns.stream()
        .filter(distribution::contains)
        .findFirst()
        .or(() -> integerKeyColumns.stream().findFirst());
  }
}
