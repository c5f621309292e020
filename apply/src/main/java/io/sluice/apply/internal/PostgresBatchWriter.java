package io.sluice.apply.internal;

import io.sluice.apply.internal.BatchReducer.TableBatch;
import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes reduced batches to a PostgreSQL target inside the caller's transaction: per keyed table, a
 * truncation mark if the batch holds a truncate, then one COPY into staging and a handful of
 * set-based statements (guarded upsert, updates that keep unchanged TOASTed values, guarded deletes
 * with tombstones). Tables without a key are written by {@link KeylessTableWriter}.
 *
 * <p>A change writes exactly the columns it carries. Target columns it does not carry (a column
 * dropped at the source, which stays on the target) keep their value on update and take their
 * default on insert; rows are grouped by the set of columns they carry ({@link RowShapes}), which
 * is one set except around a schema change. Thread-safe; cached table descriptions are dropped by
 * {@link #forget}.
 */
public final class PostgresBatchWriter {
  private final Map<TableId, Target> targets = new ConcurrentHashMap<>();
  private final Map<Shape, TableStatements> statements = new ConcurrentHashMap<>();

  /** Staging tables outlive a writer in its sessions: each writer names its own. */
  private static final AtomicInteger WRITERS = new AtomicInteger();

  private final int writerId = WRITERS.incrementAndGet();
  private final AtomicInteger ordinals = new AtomicInteger();

  /** Writes the transaction's only batch: staging is empty, as every commit empties it. */
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

  /** Drops what is cached about a table, after its target definition changed. */
  public void forget(TableId table) {
    targets.remove(table);
    statements.keySet().removeIf(k -> k.table().equals(table));
  }

  private void write(Connection c, Collection<TableBatch> batches, boolean clearStaging)
      throws SQLException {
    for (TableBatch batch : batches) {
      Target described = target(c, batch.table());
      TableBatch b =
          RenamedColumns.underCurrentNames(described.schema(), described.renamed(), batch);
      if (keyless(described.schema(), b)) {
        KeylessTableWriter.write(c, described.schema(), described.stagingTypes(), b.rows());
      } else {
        writeKeyed(c, described, b, clearStaging);
      }
    }
  }

  /**
   * Writes a keyed table's batch: the truncation mark first, if the batch holds a truncate, then
   * per shape one COPY into staging and the set-based statements its changes need.
   */
  private void writeKeyed(Connection c, Target described, TableBatch b, boolean clearStaging)
      throws SQLException {
    TableSchema target = described.schema();
    try (Statement st = c.createStatement()) {
      if (b.truncateLsn() >= 0) {
        for (String s : statements(described, target.columnNames()).truncate(b.truncateLsn())) {
          st.execute(s);
        }
      }
      for (Map.Entry<List<String>, List<ChangeEvent>> shape :
          RowShapes.byShape(target, b.rows()).entrySet()) {
        TableStatements sql = statements(described, shape.getKey());
        List<ChangeEvent> rows = shape.getValue();
        st.execute(sql.createStaging());
        if (clearStaging) {
          st.execute(sql.clearStaging());
        }
        StagingCopy.toStaging(c, sql, rows);
        Map<String, Set<String>> unchangedSets = new TreeMap<>();
        boolean anyUpsert = false;
        boolean anyDelete = false;
        for (ChangeEvent e : rows) {
          anyDelete |= e.op() == Op.DELETE;
          anyUpsert |= e.op() != Op.DELETE;
          if (e.op() != Op.DELETE && !e.unchanged().isEmpty()) {
            unchangedSets.put(TableStatements.unchangedKey(e.unchanged()), e.unchanged());
          }
        }
        if (anyUpsert) {
          st.executeUpdate(sql.upsert());
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

  /**
   * The table's statements for rows of one shape, cached; each set has a staging table of its own.
   */
  private TableStatements statements(Target described, List<String> shape) {
    TableSchema target = described.schema();
    Shape cacheKey = new Shape(target.id(), shape);
    TableStatements s = statements.get(cacheKey);
    if (s == null) {
      TableSchema projected =
          shape.size() == target.columns().size()
              ? target
              : new TableSchema(
                  target.id(),
                  target.columns().stream().filter(col -> shape.contains(col.name())).toList(),
                  target.keyColumns());
      s =
          new TableStatements(
              projected, writerId + "_" + ordinals.incrementAndGet(), described.stagingTypes());
      statements.put(cacheKey, s);
    }
    return s;
  }

  /** The columns a group of rows carries, in target order. */
  private record Shape(TableId table, List<String> columns) {}

  /**
   * Whether the batch is of a table without a key; refuses a batch the target cannot hold. A
   * table's changes are all of one kind, so its first one tells.
   */
  private static boolean keyless(TableSchema target, TableBatch b) {
    if (!b.rows().isEmpty() && b.rows().get(0).isKeyless() != target.keyless()) {
      ChangeEvent e = b.rows().get(0);
      throw new SluiceException(
          "change to "
              + b.table()
              + " at LSN "
              + e.lsn()
              + (e.isKeyless()
                  ? " is of a source table without a key, but the target table has primary key ("
                      + String.join(", ", target.keyColumns())
                      + ")"
                  : " is keyed, but the target table has no primary key")
              + "; source and target tables differ");
    }
    return target.keyless();
  }

  /**
   * A target table as last read from the target catalog, the types its staging uses, and the
   * columns renamed since the source first named them (old name to the name it has now).
   */
  private record Target(
      TableSchema schema, Map<String, String> stagingTypes, Map<String, String> renamed) {}

  private Target target(Connection c, TableId table) throws SQLException {
    Target t = targets.get(table);
    if (t == null) {
      t =
          new Target(
              // Generated columns are the target's to compute: no write names them.
              TargetTable.describe(c, table).written(),
              TargetTable.stagingTypes(c, table),
              RenamedColumns.read(c, table));
      targets.put(table, t);
    }
    return t;
  }
}
