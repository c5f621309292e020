package io.sluice.test.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Positions in the source's WAL, in bytes from {@code 0/0}, as the slot tests compare them. */
final class SlotQueries {
  private SlotQueries() {}

  /**
   * The confirmed flush position of a replication slot: what its consumer has acknowledged, so what
   * the source may drop WAL up to; 0 while the slot does not exist or has confirmed nothing.
   */
  static long confirmedLsn(Connection source, String slot) throws SQLException {
    try (PreparedStatement ps =
        source.prepareStatement(
            "SELECT coalesce(confirmed_flush_lsn - '0/0'::pg_lsn, 0) FROM pg_replication_slots"
                + " WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The source's current WAL write position. */
  static long currentWal(Connection source) throws SQLException {
    try (PreparedStatement ps =
            source.prepareStatement("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Whether a consumer reads the replication slot now. */
  static boolean active(Connection source, String slot) throws SQLException {
    try (PreparedStatement ps =
        source.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
