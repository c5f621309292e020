package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Refuses, before anything else, a source sluice cannot capture by its log, saying what it found
 * and what to do: Greenplum (no usable logical decoding, whatever its settings), PostgreSQL before
 * 13 (no publication through a partitioned table's root, which capture relies on), and a server
 * whose {@code wal_level} is not {@code logical}.
 */
public final class SourceVersion {
  /** The oldest PostgreSQL release sluice captures ({@code server_version_num}). */
  static final int OLDEST = 130000;

  private SourceVersion() {}

  public static void check(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT version(), current_setting('server_version_num')::int,"
                    + " current_setting('wal_level')")) {
      rs.next();
      check(rs.getString(1), rs.getInt(2), rs.getString(3));
    }
  }

  static void check(String version, int versionNum, String walLevel) {
    if (version.contains("Greenplum")) {
      throw new SluiceException(
          "the source is "
              + describe(version)
              + ": Greenplum has no usable logical decoding (its decoder cannot read distributed"
              + " commits and skips append-optimized tables), so sluice cannot capture it from"
              + " its log. Capturing Greenplum by query is not available yet; point source at a"
              + " PostgreSQL 13 or later database");
    }
    if (versionNum < OLDEST) {
      throw new SluiceException(
          "the source is "
              + describe(version)
              + " (server_version_num "
              + versionNum
              + "): sluice needs PostgreSQL 13 or later, whose publications can send a"
              + " partitioned table's changes under its own name (publish_via_partition_root)."
              + " Upgrade the source, or replicate it to a PostgreSQL 13+ server and capture that");
    }
    if (!"logical".equals(walLevel)) {
      throw new SluiceException(
          "the source's wal_level is "
              + walLevel
              + ", and capture needs logical: set wal_level = logical (on RDS and Aurora, the"
              + " parameter rds.logical_replication = 1) and restart the source");
    }
  }

  /** The product and release from {@code version()}: before the platform it was built on. */
  private static String describe(String version) {
    int on = version.indexOf(" on ");
    int comma = version.indexOf(',');
    int end = on >= 0 ? on : comma >= 0 ? comma : version.length();
    return version.substring(0, end);
  }
}
