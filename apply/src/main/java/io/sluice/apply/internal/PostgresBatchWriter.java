package io.sluice.apply.internal;

import io.sluice.apply.internal.BatchReducer.TableBatch;
import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;

/**
 * Writes reduced batches to a PostgreSQL target inside the caller's transaction: per table, a
 * truncation mark if the batch holds a truncate, then one COPY into staging and a handful of
 * set-based statements (guarded upsert, updates that keep unchanged TOASTed values, guarded deletes
 * with tombstones).
 */
public final class PostgresBatchWriter {
  private final Map<TableId, TableStatements> statements = new ConcurrentHashMap<>();
  private final AtomicInteger ordinals = new AtomicInteger();

  public void write(Connection c, Collection<TableBatch> batches) throws SQLException {
    write(c, batches, false);
  }

  /**
   * Writes a batch that may follow others of the same table in one transaction: staging is emptied
   * first, since it keeps its rows until the transaction ends.
   */
  public void writeAgain(Connection c, Collection<TableBatch> batches) throws SQLException {
    write(c, batches, true);
  }

  private void write(Connection c, Collection<TableBatch> batches, boolean clearStaging)
      throws SQLException {
    for (TableBatch b : batches) {
      TableStatements sql = statements(c, b.table());
      try (Statement st = c.createStatement()) {
        if (b.truncateLsn() >= 0) {
          for (String s : sql.truncate(b.truncateLsn())) {
            st.execute(s);
          }
        }
        if (b.rows().isEmpty()) {
          continue;
        }
        st.execute(sql.createStaging());
        if (clearStaging) {
          st.execute(sql.clearStaging());
        }
        copy(c, sql, b);
        st.executeUpdate(sql.upsert());
        Map<String, Set<String>> unchangedSets = new TreeMap<>();
        boolean anyDelete = false;
        for (ChangeEvent e : b.rows()) {
          anyDelete |= e.op() == Op.DELETE;
          if (e.op() != Op.DELETE && !e.unchanged().isEmpty()) {
            unchangedSets.put(TableStatements.unchangedKey(e.unchanged()), e.unchanged());
          }
        }
        for (Set<String> keep : unchangedSets.values()) {
          st.executeUpdate(sql.updateKeeping(keep));
        }
        if (anyDelete) {
          st.executeUpdate(sql.delete());
          st.executeUpdate(sql.tombstones());
        }
      }
    }
  }

  private TableStatements statements(Connection c, TableId table) throws SQLException {
    TableStatements s = statements.get(table);
    if (s == null) {
      s = new TableStatements(TargetTable.describe(c, table), ordinals.incrementAndGet());
      statements.put(table, s);
    }
    return s;
  }

  private static void copy(Connection c, TableStatements sql, TableBatch b) throws SQLException {
    CopyTextEncoder enc = new CopyTextEncoder();
    for (ChangeEvent e : b.rows()) {
      boolean delete = e.op() == Op.DELETE;
      checkColumns(sql, e);
      for (ColumnSchema col : sql.table().columns()) {
        enc.field(delete ? e.key().get(col.name()) : e.after().get(col.name()));
      }
      enc.field(Long.toString(e.lsn()));
      enc.field(ChangeEventCodec.keyText(e.key()));
      enc.field(delete ? "d" : "u");
      enc.field(
          delete || e.unchanged().isEmpty() ? null : TableStatements.unchangedKey(e.unchanged()));
      enc.endRow();
    }
    try {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(sql.copy(), new ByteArrayInputStream(enc.bytes()));
    } catch (IOException e) {
      throw new SQLException("COPY into staging for " + b.table() + " failed: " + e, "08006", e);
    }
  }

  private static void checkColumns(TableStatements sql, ChangeEvent e) {
    if (e.op() == Op.DELETE) {
      return;
    }
    int expected = sql.table().columns().size();
    int carried = e.after().size() + e.unchanged().size();
    if (carried != expected) {
      throw new SluiceException(
          "change to "
              + e.table()
              + " at LSN "
              + e.lsn()
              + " carries "
              + carried
              + " columns but the target table has "
              + expected
              + "; source and target schemas differ");
    }
    for (ColumnSchema col : sql.table().columns()) {
      if (!e.after().containsKey(col.name()) && !e.unchanged().contains(col.name())) {
        throw new SluiceException(
            "change to "
                + e.table()
                + " at LSN "
                + e.lsn()
                + " has no value for target column "
                + col.name()
                + "; source and target schemas differ");
      }
    }
  }
}
