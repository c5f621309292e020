package io.sluice.capture.internal;

import io.sluice.core.Lsn;
import io.sluice.core.SluiceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Reads, and where capture must, drops the pipeline's replication slot on the source. */
public final class SlotInspector {
  private SlotInspector() {}

  public static boolean exists(Connection c, String slot) throws SQLException {
    return CatalogQuery.first(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)
        .isPresent();
  }

  /**
   * The slot's restart position: the WAL position from which it decodes. Every change the slot will
   * stream was written after it, so it orders a snapshot taken from the slot's exported snapshot
   * before every streamed change (while the slot has confirmed nothing, it stays where the slot was
   * created).
   */
  public static Lsn restartLsn(Connection c, String slot) throws SQLException {
    return CatalogQuery.first(
            c, "SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = ?", slot)
        .map(Lsn::parse)
        .orElseThrow(
            () ->
                new SluiceException(
                    "replication slot "
                        + slot
                        + " is gone or holds no WAL while capture reads its snapshot: it was"
                        + " dropped or invalidated on the source"));
  }

  /**
   * Drops the slot if it exists. Fails with {@code object_in_use} (55006, retriable) while a
   * session still reads it, such as the walsender of a capture that just died, until the source
   * notices that session is gone.
   */
  public static boolean dropIfExists(Connection c, String slot) throws SQLException {
    if (!exists(c, slot)) {
      return false;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
      ps.setString(1, slot);
      ps.execute();
    }
    return true;
  }
}
