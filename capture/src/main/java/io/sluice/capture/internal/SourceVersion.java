package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.config.CaptureMethod;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Refuses, before anything else, a source sluice cannot capture the configured way, saying what it
 * found and what to do. By its log: Greenplum (no usable logical decoding, whatever its settings),
 * PostgreSQL before 13 (no publication through a partitioned table's root, which capture relies
 * on), and a server whose {@code wal_level} is not {@code logical}. By query: a server older than
 * PostgreSQL 12 (Greenplum 7's base).
 */
public final class SourceVersion {
  /** The oldest PostgreSQL release sluice captures ({@code server_version_num}). */
  static final int OLDEST = 130000;

  private SourceVersion() {}

  /** The oldest release query capture reads: PostgreSQL 12, which Greenplum 7 is built on. */
  static final int OLDEST_QUERY = 120000;

  public static void check(Connection c, CaptureMethod method) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT version(), current_setting('server_version_num')::int,"
                    + " current_setting('wal_level')")) {
      rs.next();
      if (method == CaptureMethod.QUERY) {
        checkQuery(rs.getString(1), rs.getInt(2));
      } else {
        check(rs.getString(1), rs.getInt(2), rs.getString(3));
      }
    }
  }

  static void checkQuery(String version, int versionNum) {
    if (versionNum < OLDEST_QUERY) {
      throw new SluiceException(
          "the source is "
              + describe(version)
              + " (server_version_num "
              + versionNum
              + "): query capture needs PostgreSQL 12 or later, or Greenplum 7");
    }
  }

  static void check(String version, int versionNum, String walLevel) {
    if (version.contains("Greenplum")) {
      throw new SluiceException(
          "the source is "
              + describe(version)
              + ": Greenplum has no usable logical decoding (its decoder cannot read distributed"
              + " commits and skips append-optimized tables), so sluice cannot capture it from"
              + " its log: set capture.method to query (see docs/greenplum.md)");
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
