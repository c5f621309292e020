package io.sluice.capture.load;

import io.sluice.capture.CapturedTables;
import io.sluice.capture.SourceCatalog;
import io.sluice.capture.internal.DebeziumProperties;
import io.sluice.capture.internal.ExportedSnapshot;
import io.sluice.capture.internal.GuardedBatches;
import io.sluice.capture.internal.SnapshotGuard;
import io.sluice.capture.internal.SourceConnections;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.TargetConfig;
import io.sluice.core.error.TryAgainException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.TargetLayout;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads one captured table online ({@code sluice ctl resnapshot}): its rows read in a source
 * snapshot of known position and written through the target's position-guarded write path while
 * capture and apply go on, then the target rows the snapshot does not hold removed.
 *
 * <p>The snapshot is exported by a temporary replication slot; the reload's position is just below
 * that slot's restart position, so every change the pipeline's own slot streams after the snapshot
 * sits above it, and every change below it is in the snapshot. On the target, a reloaded row
 * therefore replaces a row an older position wrote, and gives way to a row a newer change wrote or
 * to the tombstone of a newer delete; changes below the position that apply writes afterwards are
 * no-ops on reloaded rows. Once a chunk's rows are written, a row of its key range still at an
 * older position is one the snapshot does not hold: it is deleted at the reload's position, which
 * leaves a tombstone, so an older insert still on its way cannot bring it back.
 *
 * <p>Only tables with a key: changes of a table without one are not idempotent. A stopped reload is
 * run again from the start, which the guard makes harmless.
 */
public final class TableReload {
  private static final Logger log = LoggerFactory.getLogger(TableReload.class);

  /** Rows handed to the target in one transaction. */
  private static final int BATCH = 5_000;

  /** New snapshots taken when a migration changed the table as the reload began. */
  private static final int ATTEMPTS = 3;

  /**
   * What a reload did.
   *
   * @param position the position the reloaded rows carry on the target
   * @param rows rows read from the source snapshot
   * @param removed target rows deleted because the snapshot does not hold them
   */
  public record Result(TableId table, long position, long rows, long removed) {}

  private final PipelineConfig config;
  private final LoadListener listener;
  private final Clock clock;

  /**
   * @param clock what the reloaded rows' commit time is read on
   */
  public TableReload(PipelineConfig config, LoadListener listener, Clock clock) {
    this.config = config;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * Reloads the table and returns once every row is on the target.
   *
   * @throws IllegalArgumentException if the pipeline does not capture the table or it has no key
   */
  public Result run(TableId table, Supplier<GuardedWriter> writers)
      throws SQLException, InterruptedException {
    if (config.capture().method() == CaptureMethod.QUERY) {
      throw new IllegalArgumentException(
          "pipeline "
              + config.name()
              + " is captured by query: a reload would write the table at a log position its"
              + " rows cannot follow. Its diffs bring "
              + table
              + " to the source's rows, sending only what differs (every"
              + " capture.query.diff-interval, and at once after a change of its mode)");
    }
    TableSchema schema = captured(table);
    for (int attempt = 1; ; attempt++) {
      try {
        return reload(schema, writers);
      } catch (TryAgainException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        log.warn("reload of {}: {}; taking a new snapshot", table, e.getMessage());
      }
    }
  }

  private TableSchema captured(TableId table) throws SQLException {
    CapturedTables tables;
    try (SourceConnections source = new SourceConnections(config.source(), "catalog")) {
      tables = SourceCatalog.resolve(source.connection(), config);
    }
    TableSchema schema = tables.schemas().get(table);
    if (schema == null) {
      throw new IllegalArgumentException(
          "pipeline "
              + config.name()
              + " does not capture "
              + table
              + "; it captures "
              + tables.ids().stream().map(TableId::toString).collect(Collectors.joining(", ")));
    }
    if (schema.keyless()) {
      throw new IllegalArgumentException(
          table
              + " has no key: its changes are not idempotent, so it cannot be reloaded while it"
              + " streams. Give it a primary key or capture.key-columns, or drop its target"
              + " table and its pipeline's load state to copy it anew");
    }
    return schema;
  }

  private Result reload(TableSchema table, Supplier<GuardedWriter> writers)
      throws SQLException, InterruptedException {
    String slot = "sluice_reload_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    ExportedSnapshot snapshot =
        ExportedSnapshot.createTemporarySlot(
            config.source(), slot, DebeziumProperties.SESSION_OPTIONS);
    Streams streams;
    try {
      long position;
      List<LoadChunk> chunks;
      try (Connection c = new SourceConnections(config.source(), "reload").open()) {
        position = snapshot.position(c);
        c.setAutoCommit(false);
        importSnapshot(c, snapshot.name());
        long chunkRows = config.capture().load().chunkRows();
        chunks =
            ChunkPlanner.plan(
                TableSizes.read(c, Map.of(table.id(), table), List.of(table.id()), chunkRows),
                chunkRows);
        c.commit();
      }
      log.info(
          "reload of {}: {} chunks from snapshot {} at position {}",
          table.id(),
          chunks.size(),
          snapshot.name(),
          position);
      listener.planned(chunks, Map.of());
      streams = new Streams(table, position, chunks, writers, snapshot.name(), slot);
      streams.awaitImported();
    } finally {
      snapshot.close(); // drops the temporary slot: the streams hold the snapshot now
    }
    streams.await();
    listener.finished();
    log.info(
        "reload of {} done: {} rows written at position {}, {} rows removed",
        table.id(),
        streams.rows.get(),
        streams.position,
        streams.removed.get());
    return new Result(table.id(), streams.position, streams.rows.get(), streams.removed.get());
  }

  private static void importSnapshot(Connection c, String snapshot) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
    }
  }

  /** The copying streams of one reload. */
  private final class Streams {
    private final TableSchema table;
    private final long position;
    private final ConcurrentLinkedQueue<LoadChunk> queue;
    private final CountDownLatch imported;
    private final ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong removed = new AtomicLong();

    Streams(
        TableSchema table,
        long position,
        List<LoadChunk> chunks,
        Supplier<GuardedWriter> writers,
        String snapshot,
        String slot) {
      this.table = table;
      this.position = position;
      this.queue = new ConcurrentLinkedQueue<>(chunks);
      int n = Math.max(1, Math.min(config.capture().load().parallelism(), chunks.size()));
      this.imported = new CountDownLatch(n);
      this.pool =
          Executors.newFixedThreadPool(
              n,
              r -> {
                Thread t = new Thread(r, "sluice-reload-" + table.id());
                t.setDaemon(true);
                return t;
              });
      for (int i = 0; i < n; i++) {
        running.add(
            pool.submit(
                () -> {
                  try {
                    stream(writers, snapshot, slot);
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    imported.countDown();
                  }
                  return null;
                }));
      }
      pool.shutdown();
    }

    private void stream(Supplier<GuardedWriter> writers, String snapshot, String slot)
        throws Exception {
      try (Connection source = new SourceConnections(config.source(), "reload").open();
          Connection target = openTarget();
          GuardedBatches batches = new GuardedBatches(config.target(), writers, table.id())) {
        source.setAutoCommit(false);
        importSnapshot(source, snapshot);
        try (Statement st = source.createStatement()) {
          // A table rewritten after the snapshot was taken would look empty to it (and every
          // target row would then be removed): the lock keeps migrations from rewriting it until
          // the reload read it, and the slot's catalog horizon shows one that came before.
          st.execute("LOCK TABLE " + table.id().quoted() + " IN ACCESS SHARE MODE");
        }
        if (!SnapshotGuard.changedSinceSlot(source, slot, List.of(table.id())).isEmpty()) {
          throw new TryAgainException(
              table.id() + " was changed by a migration as its reload began");
        }
        imported.countDown();
        LoadChunk chunk;
        while (failure.get() == null && (chunk = queue.poll()) != null) {
          long read = copy(source, batches, chunk);
          long gone = removeAbsent(target, batches, chunk);
          rows.addAndGet(read);
          removed.addAndGet(gone);
          listener.copied(chunk, read);
        }
        source.commit();
      }
    }

    /** Writes the chunk's snapshot rows at the reload's position. */
    private long copy(Connection source, GuardedBatches batches, LoadChunk chunk)
        throws SQLException, InterruptedException {
      List<ColumnSchema> columns = table.columns().stream().filter(c -> !c.isGenerated()).toList();
      String select =
          "SELECT "
              + columns.stream()
                  .map(c -> c.quotedName() + "::text")
                  .collect(Collectors.joining(", "))
              + " FROM "
              + table.id().quoted()
              + ChunkCopy.where(chunk);
      long count = 0;
      long ts = micros();
      List<ChangeEvent> batch = new ArrayList<>(BATCH);
      try (Statement st = source.createStatement()) {
        st.setFetchSize(BATCH);
        try (ResultSet rs = st.executeQuery(select)) {
          while (rs.next()) {
            Map<String, String> after = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
              after.put(columns.get(i).name(), rs.getString(i + 1));
            }
            Map<String, String> key = new LinkedHashMap<>();
            for (String k : table.keyColumns()) {
              key.put(k, after.get(k));
            }
            batch.add(
                new ChangeEvent(table.id(), Op.SNAPSHOT, position, 0, ts, key, after, Set.of()));
            count++;
            if (batch.size() == BATCH) {
              batches.write(batch);
              batch.clear();
            }
          }
        }
      }
      if (!batch.isEmpty()) {
        batches.write(batch);
      }
      return count;
    }

    /**
     * Deletes the target rows of the chunk's range still at a position below the reload's: every
     * row the snapshot holds is at the reload's position or a newer one by now, so these are rows
     * the source did not hold when the snapshot was taken.
     */
    private long removeAbsent(Connection target, GuardedBatches batches, LoadChunk chunk)
        throws SQLException, InterruptedException {
      String where = ChunkCopy.where(chunk);
      String select =
          "SELECT "
              + table.keyColumns().stream()
                  .map(k -> TableId.quote(k) + "::text")
                  .collect(Collectors.joining(", "))
              + " FROM "
              + table.id().quoted()
              + (where.isEmpty() ? " WHERE " : where + " AND ")
              + TargetLayout.POSITION_COLUMN
              + " < "
              + position;
      long count = 0;
      long ts = micros();
      List<ChangeEvent> batch = new ArrayList<>(BATCH);
      try (Statement st = target.createStatement()) {
        st.setFetchSize(BATCH);
        try (ResultSet rs = st.executeQuery(select)) {
          while (rs.next()) {
            Map<String, String> key = new LinkedHashMap<>();
            for (int i = 0; i < table.keyColumns().size(); i++) {
              key.put(table.keyColumns().get(i), rs.getString(i + 1));
            }
            batch.add(new ChangeEvent(table.id(), Op.DELETE, position, 0, ts, key, null, Set.of()));
            count++;
            if (batch.size() == BATCH) {
              batches.write(batch);
              batch.clear();
            }
          }
        }
      }
      target.commit();
      if (!batch.isEmpty()) {
        batches.write(batch);
      }
      return count;
    }

    void awaitImported() throws InterruptedException, SQLException {
      imported.await();
      rethrow();
    }

    void await() throws InterruptedException, SQLException {
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          failure.compareAndSet(null, e.getCause());
        }
      }
      rethrow();
    }

    private void rethrow() throws SQLException {
      Throwable f = failure.get();
      if (f == null) {
        return;
      }
      pool.shutdownNow();
      if (f instanceof SQLException e) {
        throw e;
      }
      if (f instanceof RuntimeException e) {
        throw e;
      }
      throw new IllegalStateException("reload of " + table.id() + " failed", f);
    }
  }

  private long micros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
  }

  private Connection openTarget() throws SQLException {
    TargetConfig t = config.target();
    Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password().value());
    c.setAutoCommit(false);
    return c;
  }
}
