package io.sluice.cli.bench;

import io.sluice.embedded.bench.LoadSchema;
import io.sluice.embedded.bench.LoadTable;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * The reference load: binary {@code COPY} piped from the source into the target, table after table,
 * by one stream ({@code copy-1}) or several ({@code copy-2}). A stream is a source connection
 * running {@code COPY (SELECT ...) TO STDOUT (FORMAT binary)} and a target connection running
 * {@code COPY t FROM STDIN (FORMAT binary)}; the bytes pass through as the source sends them,
 * gathered into 64 KiB messages to the target, never a whole table in memory.
 *
 * <p>All streams read one snapshot: the first stream's {@code REPEATABLE READ} transaction exports
 * it and the others import it, as {@code pg_dump --jobs} does. With several streams, {@code fills}
 * is cut into one key range per stream at quantiles of its key from the planner's statistics (the
 * median for two), and the streams then take the small tables, largest first, from a shared queue.
 * Each target {@code COPY} commits on its own, with the server's {@code synchronous_commit=on}.
 */
final class BinaryCopyContender implements LoadContender {
  private static final int MESSAGE_BYTES = 1 << 16;
  private static final int PROGRESS_EVERY_ROWS = 10_000;

  private final int streams;

  BinaryCopyContender(int streams) {
    if (streams < 1) {
      throw new IllegalArgumentException("streams must be positive, was " + streams);
    }
    this.streams = streams;
  }

  @Override
  public String name() {
    return "copy-" + streams;
  }

  /** One COPY: a table, or a key range of it. */
  private record CopyTask(LoadTable table, KeyRange range) {
    String select() {
      return "COPY (SELECT "
          + table.columnList()
          + " FROM "
          + table.quoted()
          + range.where(table.primaryKey().get(0))
          + ") TO STDOUT (FORMAT binary)";
    }

    String insert() {
      return "COPY " + table.quoted() + " (" + table.columnList() + ") FROM STDIN (FORMAT binary)";
    }
  }

  @Override
  public void load(LoadRun run) throws Exception {
    List<Connection> sources = new ArrayList<>();
    List<Connection> targets = new ArrayList<>();
    try {
      for (int i = 0; i < streams; i++) {
        sources.add(run.source().connect(run.sourceDb()));
        targets.add(run.target().connect(run.targetDb()));
      }
      shareOneSnapshot(sources);
      Queue<CopyTask> tasks = new ConcurrentLinkedQueue<>(plan(sources.get(0), run));
      runStreams(sources, targets, tasks, run.progress());
      for (Connection source : sources) {
        source.commit();
      }
    } finally {
      for (Connection c : sources) {
        c.close();
      }
      for (Connection c : targets) {
        c.close();
      }
    }
  }

  /** Opens a read-only repeatable-read transaction on each connection, all on one snapshot. */
  private static void shareOneSnapshot(List<Connection> sources) throws SQLException {
    for (Connection c : sources) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
    }
    if (sources.size() == 1) {
      return;
    }
    String snapshot;
    try (Statement st = sources.get(0).createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
      rs.next();
      snapshot = rs.getString(1);
    }
    for (Connection c : sources.subList(1, sources.size())) {
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
      }
    }
  }

  /** {@code fills} in one range per stream, then the small tables, largest first. */
  private List<CopyTask> plan(Connection source, LoadRun run) throws SQLException {
    LoadTable large = run.schema().large();
    List<KeyRange> ranges =
        streams == 1 ? List.of(KeyRange.ALL) : KeyRange.split(keyQuantiles(source, large), streams);
    List<CopyTask> tasks = new ArrayList<>();
    for (KeyRange r : ranges) {
      tasks.add(new CopyTask(large, r));
    }
    if (ranges.size() > 1) {
      run.progress()
          .say(
              "%s cut into %d key ranges at the planner's quantiles: %s",
              large.name(),
              ranges.size(),
              ranges.stream().map(KeyRange::toString).collect(Collectors.joining(", ")));
    }
    for (LoadTable t : run.schema().small()) {
      tasks.add(new CopyTask(t, KeyRange.ALL));
    }
    return tasks;
  }

  /**
   * The planner's histogram bounds of the table's (bigint) key: keys that cut its rows into equal
   * shares, as of the last {@code ANALYZE}; empty when there are none (a table of one row).
   */
  private static long[] keyQuantiles(Connection source, LoadTable table) throws SQLException {
    try (PreparedStatement ps =
        source.prepareStatement(
            "SELECT histogram_bounds::text::bigint[] FROM pg_stats"
                + " WHERE schemaname = ? AND tablename = ? AND attname = ?")) {
      ps.setString(1, table.id().schema());
      ps.setString(2, table.name());
      ps.setString(3, table.primaryKey().get(0));
      try (ResultSet rs = ps.executeQuery()) {
        Array bounds = rs.next() ? rs.getArray(1) : null;
        if (bounds == null) {
          return new long[0];
        }
        Long[] values = (Long[]) bounds.getArray();
        long[] keys = new long[values.length];
        for (int i = 0; i < values.length; i++) {
          keys[i] = values[i];
        }
        return keys;
      }
    }
  }

  private void runStreams(
      List<Connection> sources,
      List<Connection> targets,
      Queue<CopyTask> tasks,
      LoadProgress progress)
      throws Exception {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            streams,
            task -> {
              Thread t = new Thread(task, "sluice-bench-copy-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> running = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        Connection source = sources.get(i);
        Connection target = targets.get(i);
        running.add(
            pool.submit(
                () -> {
                  try {
                    stream(source, target, tasks, progress);
                  } catch (Exception | Error e) {
                    tasks.clear(); // the other streams stop after their COPY in flight
                    throw e;
                  }
                  return null;
                }));
      }
      for (Future<Void> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception cause) {
            throw cause;
          }
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void stream(
      Connection source, Connection target, Queue<CopyTask> tasks, LoadProgress progress)
      throws Exception {
    CopyManager from = source.unwrap(PGConnection.class).getCopyAPI();
    CopyManager into = target.unwrap(PGConnection.class).getCopyAPI();
    for (CopyTask task = tasks.poll(); task != null; task = tasks.poll()) {
      double start = progress.seconds();
      long rows = copy(from, into, task, progress);
      if (task.table().name().equals(LoadSchema.LARGE_TABLE)) {
        progress.say(
            "%s%s: %,d rows in %.1f s",
            task.table().name(),
            task.range().equals(KeyRange.ALL) ? "" : " keys " + task.range(),
            rows,
            progress.seconds() - start);
      }
    }
  }

  /**
   * Pipes one COPY: each message the source sends (a row; the first also carries the file header)
   * goes into the target's COPY as it arrives. Returns the rows the target took.
   */
  private static long copy(CopyManager from, CopyManager into, CopyTask task, LoadProgress progress)
      throws Exception {
    CopyOut out = from.copyOut(task.select());
    PGCopyOutputStream in = null;
    try {
      in = new PGCopyOutputStream(into.copyIn(task.insert()), MESSAGE_BYTES);
      long reported = 0;
      long messages = 0;
      for (byte[] data = out.readFromCopy(); data != null; data = out.readFromCopy()) {
        in.write(data);
        if (++messages % PROGRESS_EVERY_ROWS == 0) {
          progress.rowsCopied(PROGRESS_EVERY_ROWS);
          reported += PROGRESS_EVERY_ROWS;
        }
      }
      long rows = in.endCopy();
      progress.rowsCopied(rows - reported);
      return rows;
    } finally {
      if (out.isActive()) {
        out.cancelCopy();
      }
      if (in != null && in.isActive()) {
        in.cancelCopy();
      }
    }
  }
}
