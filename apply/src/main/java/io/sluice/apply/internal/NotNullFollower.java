package io.sluice.apply.internal;

import io.sluice.apply.TargetSchema;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps NOT NULL of the source's columns on the target once the target's rows allow it.
 *
 * <p>A column the source declares NOT NULL can hold NULLs on the target for a while: a column added
 * without a default is empty on the target until the changes that fill it arrive (a migration adds
 * it, fills it and sets NOT NULL, perhaps in one transaction), and partitions of a group apply
 * those changes at their own pace. So NOT NULL is set when it holds: tried with each schema event
 * of the table, and again from time to time while it is pending ({@link #tightenPending}). A change
 * written before the source's NOT NULL that reaches the target after it was set (from a partition
 * behind the others) carries a NULL the target now refuses: the constraint is taken off again and
 * the change written ({@link #loosen}), so nothing is refused for being early.
 *
 * <p>State per column in {@code _sluice.not_null}: {@code pending} (the source's NOT NULL is not on
 * the target yet) or {@code set} (sluice set it after the column existed). Columns created NOT NULL
 * with their table have no row.
 */
public final class NotNullFollower {
  private static final Logger log = LoggerFactory.getLogger(NotNullFollower.class);

  /** sluice's state table for NOT NULL it follows. */
  public static final String TABLE = TargetSchema.SLUICE_SCHEMA + ".not_null";

  static final String PENDING = "pending";
  static final String SET = "set";

  private static final String NOT_NULL_VIOLATION = "23502";
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private NotNullFollower() {}

  /** The statement creating the state table, if it is missing. */
  public static String createTable() {
    return "CREATE TABLE IF NOT EXISTS "
        + TABLE
        + " (tbl text NOT NULL, name text NOT NULL,"
        + " state text NOT NULL CHECK (state IN ('pending', 'set')), PRIMARY KEY (tbl, name))";
  }

  /**
   * Within a schema change's transaction, once the target has the source's columns: sets NOT NULL
   * on each column the source has it on and the target's rows allow, and records the others as
   * pending. Returns the statements that took effect.
   *
   * @param renames target columns renamed by this schema change, old name to new
   */
  static List<String> follow(Connection tx, TableSchema source, Map<String, String> renames)
      throws SQLException {
    String tbl = source.id().toString();
    try (PreparedStatement ps =
        tx.prepareStatement("UPDATE " + TABLE + " SET name = ? WHERE tbl = ? AND name = ?")) {
      for (Map.Entry<String, String> r : renames.entrySet()) {
        ps.setString(1, r.getValue());
        ps.setString(2, tbl);
        ps.setString(3, r.getKey());
        ps.executeUpdate();
      }
    }
    Map<String, String> states = states(tx, source.id());
    Map<String, Boolean> targetNullable = new HashMap<>();
    TargetTable.describe(tx, source.id())
        .columns()
        .forEach(c -> targetNullable.put(c.name(), c.nullable()));
    List<String> ran = new ArrayList<>();
    for (String name : states.keySet()) {
      boolean stillNotNull =
          source.columns().stream().anyMatch(c -> c.name().equals(name) && !c.nullable());
      if (!stillNotNull) {
        forget(tx, tbl, name);
      }
    }
    for (ColumnSchema c : source.columns()) {
      if (c.nullable() || !Boolean.TRUE.equals(targetNullable.get(c.name()))) {
        continue;
      }
      if (trySetNotNull(tx, source.id(), c.name())) {
        ran.add(setNotNull(source.id(), c.name()));
        record(tx, tbl, c.name(), SET);
      } else {
        log.info(
            "target column {}.{} keeps NULLs for now: the source has it NOT NULL, and NOT NULL is"
                + " set once the rows that fill it are applied",
            source.id(),
            c.name());
        record(tx, tbl, c.name(), PENDING);
      }
    }
    return ran;
  }

  /**
   * Tries again to set NOT NULL on the table's pending columns, in its own transaction, waiting for
   * the table's lock only briefly. Returns the columns set.
   */
  public static List<String> tightenPending(Connection c, TableId table) throws SQLException {
    return Transactions.inTransaction(
        c,
        tx -> {
          List<String> set = new ArrayList<>();
          List<String> pending =
              states(tx, table).entrySet().stream()
                  .filter(e -> e.getValue().equals(PENDING))
                  .map(Map.Entry::getKey)
                  .toList();
          if (pending.isEmpty()) {
            return set;
          }
          try (Statement st = tx.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '2s'");
          }
          for (String column : pending) {
            // Looked for without the table's exclusive lock first: while NULLs remain, readers
            // of the target are not kept waiting for a scan bound to fail.
            if (holdsNull(tx, table, column)) {
              continue;
            }
            if (trySetNotNull(tx, table, column)) {
              record(tx, table.toString(), column, SET);
              set.add(column);
              log.info("target column {}.{} is NOT NULL again, as on the source", table, column);
            }
          }
          return set;
        });
  }

  /** Whether the table has columns whose NOT NULL is still pending. */
  public static boolean hasPending(Connection c, TableId table) throws SQLException {
    return states(c, table).containsValue(PENDING);
  }

  /**
   * After a write was refused for a NULL in a column that sluice set NOT NULL on, takes the
   * constraint off again (committing that on {@code c}, whose failed transaction was rolled back)
   * and marks it pending, so the write can be tried again. Returns false, changing nothing, for any
   * other error.
   */
  static boolean loosen(Connection c, SQLException refused) throws SQLException {
    Optional<TableId> table = violatedTable(refused);
    if (table.isEmpty()) {
      return false;
    }
    String column = ((PSQLException) refused).getServerErrorMessage().getColumn();
    if (!SET.equals(states(c, table.get()).get(column))) {
      return false;
    }
    try (Statement st = c.createStatement()) {
      st.execute(
          "ALTER TABLE "
              + table.get().quoted()
              + " ALTER COLUMN "
              + TableId.quote(column)
              + " DROP NOT NULL");
    }
    record(c, table.get().toString(), column, PENDING);
    c.commit();
    log.info(
        "target column {}.{} takes NULLs again for a while: a change written before the source set"
            + " NOT NULL reached the target after it was set there",
        table.get(),
        column);
    return true;
  }

  /** The table and column of a NOT NULL violation, when the server named them. */
  private static Optional<TableId> violatedTable(SQLException e) {
    if (!NOT_NULL_VIOLATION.equals(e.getSQLState()) || !(e instanceof PSQLException p)) {
      return Optional.empty();
    }
    ServerErrorMessage m = p.getServerErrorMessage();
    if (m == null || m.getSchema() == null || m.getTable() == null || m.getColumn() == null) {
      return Optional.empty();
    }
    return Optional.of(new TableId(m.getSchema(), m.getTable()));
  }

  private static boolean holdsNull(Connection c, TableId table, String column) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT EXISTS (SELECT 1 FROM "
                    + table.quoted()
                    + " WHERE "
                    + TableId.quote(column)
                    + " IS NULL)")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static boolean trySetNotNull(Connection tx, TableId table, String column)
      throws SQLException {
    Savepoint before = tx.setSavepoint();
    try (Statement st = tx.createStatement()) {
      st.execute(setNotNull(table, column));
      tx.releaseSavepoint(before);
      return true;
    } catch (SQLException e) {
      if (!Set.of(NOT_NULL_VIOLATION, LOCK_NOT_AVAILABLE).contains(e.getSQLState())) {
        throw e;
      }
      tx.rollback(before);
      return false;
    }
  }

  private static String setNotNull(TableId table, String column) {
    return "ALTER TABLE "
        + table.quoted()
        + " ALTER COLUMN "
        + TableId.quote(column)
        + " SET NOT NULL";
  }

  private static Map<String, String> states(Connection c, TableId table) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name, state FROM " + TABLE + " WHERE tbl = ?")) {
      ps.setString(1, table.toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  private static void record(Connection c, String tbl, String name, String state)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + TABLE
                + " (tbl, name, state) VALUES (?, ?, ?)"
                + " ON CONFLICT (tbl, name) DO UPDATE SET state = EXCLUDED.state")) {
      ps.setString(1, tbl);
      ps.setString(2, name);
      ps.setString(3, state);
      ps.executeUpdate();
    }
  }

  private static void forget(Connection c, String tbl, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM " + TABLE + " WHERE tbl = ? AND name = ?")) {
      ps.setString(1, tbl);
      ps.setString(2, name);
      ps.executeUpdate();
    }
  }
}
