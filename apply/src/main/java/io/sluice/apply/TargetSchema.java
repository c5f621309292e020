package io.sluice.apply;

import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the target: sluice's bookkeeping schema (tombstones, truncation marks) and a table for
 * every captured source table, created with the source's exact column types plus the position
 * column {@value #POSITION_COLUMN}.
 */
public final class TargetSchema {
  /** Source position (WAL LSN) of the change that last wrote a target row. */
  public static final String POSITION_COLUMN = "_sluice_lsn";

  /** Schema of sluice's own tables on the target. */
  public static final String SLUICE_SCHEMA = "_sluice";

  private static final Logger log = LoggerFactory.getLogger(TargetSchema.class);

  private TargetSchema() {}

  public static void ensure(Connection c, List<TableSchema> tables) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + SLUICE_SCHEMA);
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".tombstones (tbl text NOT NULL,"
              + " key text NOT NULL, lsn bigint NOT NULL, PRIMARY KEY (tbl, key))");
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".truncations (tbl text PRIMARY KEY,"
              + " lsn bigint NOT NULL)");
      for (TableSchema t : tables) {
        Boolean hasPosition = hasPositionColumn(c, t.id());
        if (hasPosition == null) {
          st.execute("CREATE SCHEMA IF NOT EXISTS " + TableId.quote(t.id().schema()));
          st.execute(createTable(t));
          log.info("created target table {}", t.id());
        } else if (!hasPosition) {
          throw new SluiceException(
              "target table "
                  + t.id()
                  + " exists but has no "
                  + POSITION_COLUMN
                  + " column, so"
                  + " sluice cannot order changes into it: drop it to let sluice create it, or"
                  + " ALTER TABLE "
                  + t.id().quoted()
                  + " ADD COLUMN "
                  + POSITION_COLUMN
                  + " bigint NOT NULL DEFAULT 0");
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  static String createTable(TableSchema t) {
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(t.id().quoted()).append(" (");
    for (ColumnSchema c : t.columns()) {
      sql.append(c.quotedName()).append(' ').append(c.type());
      if (!c.nullable()) {
        sql.append(" NOT NULL");
      }
      sql.append(", ");
    }
    sql.append(POSITION_COLUMN)
        .append(" bigint NOT NULL, PRIMARY KEY (")
        .append(t.quotedKeyList())
        .append("))");
    return sql.toString();
  }

  /** Whether the table has the position column, or null when the table does not exist. */
  private static Boolean hasPositionColumn(Connection c, TableId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.oid"
                + " AND a.attname = ? AND NOT a.attisdropped)"
                + " FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE n.nspname = ? AND k.relname = ?")) {
      ps.setString(1, POSITION_COLUMN);
      ps.setString(2, id.schema());
      ps.setString(3, id.table());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }
}
