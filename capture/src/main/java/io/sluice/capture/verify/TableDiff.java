package io.sluice.capture.verify;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Query capture's diff: compares one keyed table chunk by chunk, the source read in a snapshot at a
 * known position and the target once apply has applied everything before that position, and turns
 * each difference into the change that makes the target equal the snapshot, at the snapshot's
 * position: an upsert of the source's row, or a delete of a key the source does not hold.
 *
 * <p>A key whose target row was written (or deleted) after the position is left alone: a newer read
 * of the source wrote it, and the change of this snapshot would lose to it anyway.
 */
public final class TableDiff {
  private final TableSchema table;
  private final ChunkSql sql;
  private final TableCheck check;

  /** What one diff of a table did. */
  public record Result(long chunks, long differingChunks, long sourceRows, long changes) {}

  /** Hears the changes of each chunk that differs, before the next chunk is read. */
  @FunctionalInterface
  public interface ChangeSink {
    void accept(List<ChangeEvent> changes) throws InterruptedException;
  }

  /**
   * @param source a session whose server version decides the fingerprint (both sides must agree)
   * @param target the target session
   */
  public TableDiff(TableSchema table, Connection source, Connection target) throws SQLException {
    if (table.keyless()) {
      throw new IllegalArgumentException(table.id() + " has no key: it cannot be diffed by row");
    }
    this.table = table;
    this.sql =
        new ChunkSql(
            table, Verifier.version(source) >= 140000 && Verifier.version(target) >= 140000);
    this.check = new TableCheck(sql);
  }

  /** Sets the text forms both sides print values in; run on each session before reading. */
  public static void session(Connection c) throws SQLException {
    Verifier.session(c);
  }

  /**
   * Compares the table and hands every difference on as a change at {@code position}.
   *
   * @param source a session in the snapshot at {@code position} (read-only, repeatable read)
   * @param target a session on the target, with every change before {@code position} applied
   * @param tsMicros the snapshot's time at the source, which the changes carry
   */
  public Result run(
      Connection source,
      Connection target,
      long position,
      long tsMicros,
      int chunkRows,
      ChangeSink sink)
      throws SQLException, InterruptedException {
    Verifier.plan(sql, source, chunkRows);
    Map<Long, String[]> src = TableCheck.figures(source, sql.chunks());
    Map<Long, String[]> tgt = TableCheck.figures(target, sql.chunks());
    Set<Long> all = new TreeSet<>(src.keySet());
    all.addAll(tgt.keySet());
    long differing = 0;
    long changes = 0;
    long rows = src.values().stream().mapToLong(f -> Long.parseLong(f[0])).sum();
    for (long chunk : all) {
      String[] a = src.getOrDefault(chunk, new String[] {"0", "0"});
      String[] b = tgt.getOrDefault(chunk, new String[] {"0", "0"});
      if (a[0].equals(b[0]) && a[1].equals(b[1])) {
        continue;
      }
      differing++;
      Set<TableCheck.Key> judged = check.chunk(source, target, chunk, position).judged();
      if (judged.isEmpty()) {
        continue;
      }
      List<ChangeEvent> out = new ArrayList<>();
      for (ChangeEvent e : Repair.changes(source, table, new ArrayList<>(judged), position)) {
        out.add(
            new ChangeEvent(
                e.table(),
                e.op() == Op.DELETE ? Op.DELETE : Op.UPDATE,
                e.lsn(),
                0,
                tsMicros,
                e.key(),
                e.after(),
                Set.of()));
      }
      changes += out.size();
      sink.accept(out);
    }
    return new Result(all.size(), differing, rows, changes);
  }
}
