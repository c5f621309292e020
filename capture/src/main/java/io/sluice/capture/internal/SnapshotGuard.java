package io.sluice.capture.internal;

import io.sluice.core.error.TryAgainException;
import io.sluice.core.schema.TableId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the initial snapshot from losing the rows of a table a migration rewrote before the
 * snapshot read it. A rewrite (ALTER COLUMN ... TYPE, a column added with a volatile default) is
 * not MVCC-safe: a snapshot taken before it sees the rewritten table empty. Debezium reads the
 * tables one after the other, each under a share lock from its first row on, so a table is exposed
 * from the snapshot's consistent point until its read begins:
 *
 * <ul>
 *   <li>from the consistent point to the snapshot's first record, {@link #changedSinceSlot} finds
 *       tables whose catalog row any transaction committed after the consistent point changed (its
 *       xid is at or after the slot's {@code catalog_xmin}); a few tables changed shortly before
 *       the slot was created are found too, which costs a new snapshot, not correctness;
 *   <li>after that, a table's storage ({@code relfilenode}) is compared when its first row arrives,
 *       and at the end of the snapshot for tables that had none, with what it was at the first
 *       record: any difference is a rewrite.
 * </ul>
 *
 * Either way the snapshot is taken anew from a new slot ({@link TryAgainException}).
 */
public final class SnapshotGuard {
  private final Map<TableId, Long> storage;
  private final Set<TableId> read = new HashSet<>();

  private SnapshotGuard(Map<TableId, Long> storage) {
    this.storage = storage;
  }

  /** Records each captured table's storage as the snapshot's first record arrives. */
  public static SnapshotGuard start(Connection c, Collection<TableId> tables) throws SQLException {
    return new SnapshotGuard(storage(c, tables));
  }

  /**
   * Checks a table whose first snapshot row just arrived: its read has begun, and it holds a share
   * lock, so no rewrite can follow; one before it shows as new storage.
   */
  public void firstRow(Connection c, TableId table) throws SQLException {
    if (read.add(table)) {
      check(c, List.of(table));
    }
  }

  /** Checks, as the snapshot ends, the tables that had no row: rewritten, they would look empty. */
  public void finished(Connection c) throws SQLException {
    List<TableId> empty = storage.keySet().stream().filter(t -> !read.contains(t)).toList();
    if (!empty.isEmpty()) {
      check(c, empty);
    }
  }

  private void check(Connection c, Collection<TableId> tables) throws SQLException {
    Map<TableId, Long> now = storage(c, tables);
    List<TableId> rewritten = new ArrayList<>();
    for (TableId t : tables) {
      if (!now.getOrDefault(t, -1L).equals(storage.get(t))) {
        rewritten.add(t);
      }
    }
    if (!rewritten.isEmpty()) {
      throw rewritten(rewritten);
    }
  }

  /** The exception that takes the snapshot anew because of the given tables. */
  public static TryAgainException rewritten(List<TableId> tables) {
    return new TryAgainException(
        "tables "
            + tables
            + " were changed by a migration after the initial snapshot began and before it read"
            + " them (a table rewritten then would look empty to it); taking the snapshot anew"
            + " from a new slot");
  }

  /** The captured tables whose catalog row is as new as the slot's catalog horizon, or newer. */
  public static List<TableId> changedSinceSlot(
      Connection c, String slot, Collection<TableId> tables) throws SQLException {
    List<TableId> out = new ArrayList<>();
    Array array = names(c, tables);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, k.relname FROM pg_class k"
                + " JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " JOIN pg_replication_slots s ON s.slot_name = ?"
                + " WHERE k.oid IN (SELECT t::regclass FROM unnest(?::text[]) t)"
                + " AND s.catalog_xmin IS NOT NULL AND age(k.xmin) <= age(s.catalog_xmin)")) {
      ps.setString(1, slot);
      ps.setArray(2, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TableId(rs.getString(1), rs.getString(2)));
        }
      }
    } finally {
      array.free();
    }
    return out;
  }

  private static Map<TableId, Long> storage(Connection c, Collection<TableId> tables)
      throws SQLException {
    Map<TableId, Long> out = new HashMap<>();
    Array array = names(c, tables);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname, k.relname, k.relfilenode::bigint FROM pg_class k"
                + " JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE k.oid IN (SELECT t::regclass FROM unnest(?::text[]) t)")) {
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(new TableId(rs.getString(1), rs.getString(2)), rs.getLong(3));
        }
      }
    } finally {
      array.free();
    }
    return out;
  }

  private static Array names(Connection c, Collection<TableId> tables) throws SQLException {
    return c.createArrayOf("text", tables.stream().map(TableId::quoted).toArray(String[]::new));
  }
}
