package io.sluice.apply.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the changes of a table without a key, in stream order, each exactly once: those at or
 * before the table's stored position ({@code _sluice.keyless_positions}, updated in the same
 * transaction) are replays and skipped. Inserts are copied straight into the table; a delete, and
 * the old half of an update, removes one row identical to the old row, compared by each column's
 * text in this session; finding none means the target no longer matches the source, which stops the
 * group. A truncate empties the table; so does a reload, which also takes the stored position back
 * below the snapshot rows that follow it.
 */
final class KeylessTableWriter {
  private KeylessTableWriter() {}

  /**
   * Writes the table's changes inside the caller's transaction.
   *
   * @param stagingTypes per column, the type its values are compared as (see {@link
   *     TargetTable#stagingTypes})
   */
  static void write(
      Connection c, TableSchema target, Map<String, String> stagingTypes, List<ChangeEvent> rows)
      throws SQLException {
    KeylessStatements sql = new KeylessStatements(target, stagingTypes);
    String table = target.id().toString();
    long[] position = position(c, sql, table);
    List<ChangeEvent> inserts = new ArrayList<>();
    ChangeEvent last = null;
    for (ChangeEvent e : rows) {
      // A reload starts the table's stream over, below every snapshot row after it; delivered
      // again from an older checkpoint, it is followed again by everything that came after it.
      boolean replayed =
          e.op() != Op.RELOAD
              && (e.commitOrder() < position[0]
                  || (e.commitOrder() == position[0] && e.lsn() <= position[1]));
      if (replayed) {
        continue;
      }
      switch (e.op()) {
        case INSERT, SNAPSHOT -> inserts.add(e);
        case UPDATE, DELETE -> {
          copyInserts(c, sql, inserts);
          deleteOne(c, sql, e);
          if (e.op() == Op.UPDATE) {
            inserts.add(e);
          }
        }
        case TRUNCATE, RELOAD -> {
          inserts.clear();
          try (Statement st = c.createStatement()) {
            st.executeUpdate(sql.deleteAll());
          }
        }
        default -> throw new SluiceException("unexpected " + e.op() + " change of " + table);
      }
      position[0] = e.commitOrder();
      position[1] = e.lsn();
      last = e;
    }
    copyInserts(c, sql, inserts);
    if (last != null) {
      try (PreparedStatement ps = c.prepareStatement(sql.savePosition())) {
        ps.setString(1, table);
        ps.setLong(2, last.commitOrder());
        ps.setLong(3, last.lsn());
        ps.executeUpdate();
      }
    }
  }

  /** The stored position of the table, locked for this transaction. */
  private static long[] position(Connection c, KeylessStatements sql, String table)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.position())) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? new long[] {rs.getLong(1), rs.getLong(2)}
            : new long[] {Long.MIN_VALUE, Long.MIN_VALUE};
      }
    }
  }

  /**
   * Copies the pending inserts into the table, each run of one shape in one COPY, and clears them.
   */
  private static void copyInserts(Connection c, KeylessStatements sql, List<ChangeEvent> inserts)
      throws SQLException {
    int from = 0;
    while (from < inserts.size()) {
      RowShapes.Run run = RowShapes.runFrom(sql.table(), inserts, from);
      StagingCopy.inserts(c, sql.copy(run.columns()), run);
      from += run.rows().size();
    }
    inserts.clear();
  }

  /** Deletes one row identical to the change's old row, or stops: the target lost that row. */
  private static void deleteOne(Connection c, KeylessStatements sql, ChangeEvent e)
      throws SQLException {
    List<String> compared = new ArrayList<>();
    for (String column : sql.table().columnNames()) {
      if (e.key().containsKey(column)) {
        compared.add(column);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(sql.deleteOne(compared))) {
      int i = 1;
      for (String column : compared) {
        ps.setString(i++, e.key().get(column));
      }
      if (ps.executeUpdate() == 0) {
        throw new SluiceException(
            "the "
                + (e.op() == Op.UPDATE ? "update" : "delete")
                + " of a row of "
                + e.table()
                + " (a table without a key) at LSN "
                + e.lsn()
                + " found no identical row on the target: the target no longer holds the rows the"
                + " source had; compare them with sluice verify");
      }
    }
  }
}
