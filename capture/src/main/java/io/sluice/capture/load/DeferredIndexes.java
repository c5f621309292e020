package io.sluice.capture.load;

import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's secondary indexes, dropped while a load copies ({@code capture.load.defer-indexes})
 * and created again once it finished. Their definitions are kept on the target, in {@code
 * _sluice.deferred_indexes}, in the transaction that drops them, so a load resumed after a crash
 * still creates them. Primary keys and indexes behind constraints (unique, exclusion) stay.
 */
final class DeferredIndexes {
  private static final Logger log = LoggerFactory.getLogger(DeferredIndexes.class);

  static final String TABLE = "_sluice.deferred_indexes";

  private static final String SECONDARY =
      "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
          + " JOIN pg_class i ON i.oid = x.indexrelid"
          + " WHERE x.indrelid = ?::regclass AND NOT x.indisprimary"
          + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)";

  private DeferredIndexes() {}

  /** Drops the tables' secondary indexes, keeping their definitions; one target transaction. */
  static int drop(Connection target, Collection<TableId> tables) throws SQLException {
    int dropped = 0;
    try (Statement st = target.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS _sluice");
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + TABLE
              + " (tbl text NOT NULL, name text NOT NULL, definition text NOT NULL,"
              + " PRIMARY KEY (tbl, name))");
      for (TableId t : tables) {
        List<String[]> indexes = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement(SECONDARY)) {
          ps.setString(1, t.quoted());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              indexes.add(new String[] {rs.getString(1), rs.getString(2)});
            }
          }
        }
        for (String[] index : indexes) {
          try (PreparedStatement keep =
              target.prepareStatement(
                  "INSERT INTO " + TABLE + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            keep.setString(1, t.quoted());
            keep.setString(2, index[0]);
            keep.setString(3, index[1]);
            keep.executeUpdate();
          }
          st.execute("DROP INDEX " + TableId.quote(t.schema()) + "." + TableId.quote(index[0]));
          dropped++;
        }
      }
    }
    target.commit();
    if (dropped > 0) {
      log.info("{} secondary indexes of the target dropped until the load finishes", dropped);
    }
    return dropped;
  }

  /** Creates every kept index again (those that exist are left), then forgets them. */
  static int restore(Connection target, Collection<TableId> tables) throws SQLException {
    int created = 0;
    try (Statement st = target.createStatement()) {
      if (!exists(target)) {
        return 0;
      }
      for (TableId t : tables) {
        List<String> definitions = new ArrayList<>();
        try (PreparedStatement ps =
            target.prepareStatement("SELECT definition FROM " + TABLE + " WHERE tbl = ?")) {
          ps.setString(1, t.quoted());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              definitions.add(rs.getString(1));
            }
          }
        }
        for (String definition : definitions) {
          st.execute(
              definition.replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX IF NOT EXISTS "));
          created++;
        }
        try (PreparedStatement forget =
            target.prepareStatement("DELETE FROM " + TABLE + " WHERE tbl = ?")) {
          forget.setString(1, t.quoted());
          forget.executeUpdate();
        }
        target.commit();
      }
    }
    if (created > 0) {
      log.info("{} secondary indexes of the target created again after the load", created);
    }
    return created;
  }

  private static boolean exists(Connection target) throws SQLException {
    try (Statement st = target.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
