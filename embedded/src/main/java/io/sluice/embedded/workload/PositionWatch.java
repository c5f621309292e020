package io.sluice.embedded.workload;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A trigger on a target table that records every update moving a row to an older source position
 * ({@code _sluice_lsn} going down): what invariant 2 forbids, made countable.
 */
public final class PositionWatch {
  private PositionWatch() {}

  /** Watches {@code table} (keyed by an {@code id} column) on the target. */
  public static void install(Connection target, String table) throws SQLException {
    try (Statement st = target.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS position_regressions (id bigint, old_lsn bigint,"
              + " new_lsn bigint)");
      st.execute(
          "CREATE OR REPLACE FUNCTION check_position() RETURNS trigger LANGUAGE plpgsql AS $$"
              + " BEGIN IF NEW._sluice_lsn < OLD._sluice_lsn THEN INSERT INTO"
              + " position_regressions VALUES (OLD.id, OLD._sluice_lsn, NEW._sluice_lsn); END IF;"
              + " RETURN NEW; END $$");
      st.execute(
          "CREATE TRIGGER check_position BEFORE UPDATE ON "
              + table
              + " FOR EACH ROW EXECUTE FUNCTION check_position()");
    }
  }

  /** Updates seen so far that moved a row backwards. */
  public static long regressions(Connection target) throws SQLException {
    try (Statement st = target.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM position_regressions")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
