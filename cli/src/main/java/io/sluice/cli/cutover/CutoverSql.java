package io.sluice.cli.cutover;

import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TargetLayout;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The statements a cutover runs on either database, each safe to run again. */
final class CutoverSql {
  /** The write privileges a freeze takes from the application's roles. */
  static final List<String> WRITES = List.of("INSERT", "UPDATE", "DELETE", "TRUNCATE");

  private CutoverSql() {}

  /** The slot's confirmed position and whether a session streams it; empty when it is absent. */
  record Slot(long confirmed, boolean active) {}

  static Optional<Slot> slot(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT coalesce(confirmed_flush_lsn - '0/0'::pg_lsn, 0), active"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Slot(rs.getLong(1), rs.getBoolean(2)))
            : Optional.empty();
      }
    }
  }

  static void dropSlot(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = ?")) {
      ps.setString(1, slot);
      ps.execute();
    }
  }

  /**
   * Creates a logical slot for pgoutput and returns its consistent point: the stream from it holds
   * every transaction that commits after it. Waits for transactions open now to end.
   */
  static long createSlot(Connection c, String slot) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT lsn - '0/0'::pg_lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * The write privileges granted to the role directly on each table (what a REVOKE from the role
   * can take and a GRANT give back), as a comma-separated list per table; tables without any are
   * left out.
   */
  static Map<String, String> directWrites(Connection c, String role, Collection<TableId> tables)
      throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT string_agg(privilege_type, ',' ORDER BY privilege_type)"
                + " FROM information_schema.table_privileges WHERE grantee = ?"
                + " AND table_schema = ? AND table_name = ?"
                + " AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')")) {
      for (TableId t : tables) {
        ps.setString(1, role);
        ps.setString(2, t.schema());
        ps.setString(3, t.table());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getString(1) != null) {
            out.put(t.toString(), rs.getString(1));
          }
        }
      }
    }
    return out;
  }

  /** Tables the role may still write after a revoke: through another role, or as owner. */
  static List<String> stillWritable(Connection c, String role, Collection<TableId> tables)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT has_table_privilege(?, ?, 'INSERT, UPDATE, DELETE, TRUNCATE')")) {
      for (TableId t : tables) {
        ps.setString(1, role);
        ps.setString(2, t.quoted());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            out.add(t.toString());
          }
        }
      }
    }
    return out;
  }

  static void revoke(Connection c, String role, Map<String, String> grants) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (Map.Entry<String, String> g : grants.entrySet()) {
        st.execute(
            "REVOKE "
                + g.getValue()
                + " ON "
                + TableId.parse(g.getKey()).quoted()
                + " FROM "
                + TableId.quote(role));
      }
    }
  }

  static void grant(Connection c, String role, Map<String, String> grants) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (Map.Entry<String, String> g : grants.entrySet()) {
        st.execute(
            "GRANT "
                + g.getValue()
                + " ON "
                + TableId.parse(g.getKey()).quoted()
                + " TO "
                + TableId.quote(role));
      }
    }
  }

  /**
   * Makes the new primary's tables take the application's inserts: sluice's position column, which
   * the application does not know, defaults to 0 (older than any change a pipeline writes).
   */
  static void positionDefaults(Connection c, Collection<TableId> tables) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (TableId t : tables) {
        st.execute(
            "ALTER TABLE "
                + t.quoted()
                + " ALTER COLUMN "
                + TargetLayout.POSITION_COLUMN
                + " SET DEFAULT 0");
      }
    }
  }

  /**
   * Gives the old primary's tables the position column the reverse stream orders its writes by;
   * with a constant default, adding it rewrites nothing. Rows the application wrote hold 0, older
   * than any change the reverse stream brings.
   */
  static void addPositionColumn(Connection c, Collection<TableId> tables) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (TableId t : tables) {
        st.execute(
            "ALTER TABLE "
                + t.quoted()
                + " ADD COLUMN IF NOT EXISTS "
                + TargetLayout.POSITION_COLUMN
                + " bigint NOT NULL DEFAULT 0");
      }
    }
  }

  /**
   * Identity columns of the tables, by table, with their kind: 'a' (ALWAYS) or 'd' (BY DEFAULT).
   */
  static Map<TableId, Map<String, String>> identities(Connection c, Collection<TableId> tables)
      throws SQLException {
    Map<TableId, Map<String, String>> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.attname, a.attidentity::text FROM pg_attribute a"
                + " JOIN pg_class k ON k.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE n.nspname = ? AND k.relname = ? AND a.attidentity <> ''"
                + " AND NOT a.attisdropped ORDER BY a.attnum")) {
      for (TableId t : tables) {
        ps.setString(1, t.schema());
        ps.setString(2, t.table());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(t, k -> new LinkedHashMap<>())
                .put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return out;
  }

  /**
   * Sets an identity column's kind: ALWAYS on a primary as on the one before it, BY DEFAULT on a
   * target.
   */
  static void identityKind(Connection c, TableId table, String column, boolean always)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "ALTER TABLE "
              + table.quoted()
              + " ALTER COLUMN "
              + TableId.quote(column)
              + " SET GENERATED "
              + (always ? "ALWAYS" : "BY DEFAULT"));
    }
  }
}
