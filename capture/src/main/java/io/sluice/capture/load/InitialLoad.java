package io.sluice.capture.load;

import io.sluice.capture.CapturedTables;
import io.sluice.capture.internal.ExportedSnapshot;
import io.sluice.capture.internal.SnapshotGuard;
import io.sluice.capture.internal.SourceConnections;
import io.sluice.capture.load.ChunkPlanner.TableSize;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.LoadProgressStore;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.TargetConfig;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial load: every captured table copied from one consistent source snapshot straight into
 * the target by {@code capture.load.parallelism} COPY streams, chunk by chunk ({@link
 * ChunkPlanner}), each chunk's completion stored in DynamoDB ({@link LoadProgressStore}) so that a
 * crash resumes the remaining chunks instead of starting over.
 *
 * <p>Every loaded row carries the load's position, the slot's restart position: below every change
 * the slot streams, so each streamed change of a row wins over the loaded row, and apply holds the
 * group's changes until the load finished. Resumed chunks are read in a newer snapshot than the
 * exported one (it ended with the process that exported it): they may already show changes the
 * stream also carries, which apply then writes again over them in source order, ending where the
 * source is (docs/architecture.md, "Initial load").
 */
public final class InitialLoad {
  private static final Logger log = LoggerFactory.getLogger(InitialLoad.class);

  private final PipelineConfig config;
  private final CapturedTables tables;
  private final LoadProgressStore store;
  private final Lease lease;
  private final LoadListener listener;

  public InitialLoad(
      PipelineConfig config,
      CapturedTables tables,
      LoadProgressStore store,
      Lease lease,
      LoadListener listener) {
    this.config = config;
    this.tables = tables;
    this.store = store;
    this.lease = lease;
    this.listener = listener;
  }

  /**
   * Creates the pipeline's replication slot with an exported snapshot, plans and stores the load,
   * and starts copying from that snapshot. Returns once every loader session imported the snapshot
   * and the slot is free for streaming; the copy goes on in the background.
   *
   * @param restartLsn reads the new slot's restart position, which loaded rows carry
   * @param streamStart the end of every group topic partition before the slot streams anything
   *     (what is there came from an earlier slot, and apply skips it)
   */
  public Running begin(
      SourceConnections source, RestartPosition restartLsn, Map<String, Long> streamStart)
      throws SQLException, InterruptedException {
    try (ExportedSnapshot snapshot =
        ExportedSnapshot.createSlot(config.source(), sessionOptions())) {
      return start(
          snapshot.name(), restartLsn.of(source), streamStart, true, snapshot.consistentPoint());
    }
  }

  /**
   * Plans and stores a load from a snapshot exported by a session the caller holds open until this
   * returns (query capture's), and starts copying it; every row carries {@code position}. The
   * exporting session must hold {@code ACCESS SHARE} locks on the tables, taken before its
   * snapshot, so no table is rewritten before the loader sessions lock it in turn.
   */
  public Running beginFrom(String snapshot, long position, Map<String, Long> streamStart)
      throws SQLException, InterruptedException {
    return start(snapshot, position, streamStart, false, "position " + position);
  }

  private Running start(
      String snapshot,
      long position,
      Map<String, Long> streamStart,
      boolean fromSlot,
      String startsAt)
      throws SQLException, InterruptedException {
    List<LoadChunk> chunks;
    try (Connection c = new SourceConnections(config.source(), "load").open()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
      }
      chunks = ChunkPlanner.plan(sizes(c, tables.ids()), config.capture().load().chunkRows());
      c.commit();
    }
    LoadPlan plan = LoadPlan.of(position, chunks, streamStart);
    if (config.capture().load().deferIndexes()) {
      try (Connection target = openTarget()) {
        DeferredIndexes.drop(target, tables.ids());
      }
    }
    store.start(plan, lease);
    log.info(
        "initial load of pipeline {}: {} tables in {} chunks from snapshot {} ({}), {} streams",
        config.name(),
        tables.ids().size(),
        chunks.size(),
        snapshot,
        startsAt,
        config.capture().load().parallelism());
    Running running = new Running(plan, Optional.of(snapshot), fromSlot);
    running.awaitImported();
    return running;
  }

  /** Copies the stored plan's remaining chunks, each stream in a snapshot of its own. */
  public Running resume(LoadPlan plan) throws SQLException, InterruptedException {
    log.info(
        "initial load of pipeline {} resumes: {} of {} chunks left",
        config.name(),
        plan.remaining().size(),
        plan.chunks().size());
    Running running = new Running(plan, Optional.empty(), false);
    running.awaitImported();
    return running;
  }

  /**
   * Copies tables that joined a pipeline whose load finished, before capture streams again: their
   * chunks are added to the stored plan and copied, each stream in a snapshot of its own, with the
   * plan's position, so their changes streamed from now on win over the copied rows. Changes
   * written between the publication taking them in and a stream's snapshot come twice, which apply
   * makes good for tables with a key; tables without one are refused before this.
   */
  public Running add(LoadPlan plan, List<TableId> joined)
      throws SQLException, InterruptedException {
    List<LoadChunk> chunks;
    try (Connection c = new SourceConnections(config.source(), "load").open()) {
      chunks = ChunkPlanner.plan(sizes(c, joined), config.capture().load().chunkRows());
    }
    store.extend(chunks, lease);
    List<LoadChunk> all = new ArrayList<>(plan.chunks());
    all.addAll(chunks);
    log.info(
        "tables {} joined pipeline {}: copying them ({} chunks) before capture streams again",
        joined,
        config.name(),
        chunks.size());
    Running running =
        new Running(
            new LoadPlan(plan.position(), all, plan.copied(), false, plan.streamStart()),
            Optional.empty(),
            false);
    running.awaitImported();
    return running;
  }

  /** Reads the slot's restart position. */
  @FunctionalInterface
  public interface RestartPosition {
    long of(SourceConnections source) throws SQLException;
  }

  private static String sessionOptions() {
    return io.sluice.capture.internal.DebeziumProperties.SESSION_OPTIONS;
  }

  /** What the planner needs of the tables, read on {@code c}. */
  private List<TableSize> sizes(Connection c, List<TableId> ids) throws SQLException {
    return TableSizes.read(c, tables.schemas(), ids, config.capture().load().chunkRows());
  }

  private Connection openTarget() throws SQLException {
    TargetConfig t = config.target();
    Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password().value());
    c.setAutoCommit(false);
    return c;
  }

  /** A load under way: its streams, its end, and why it failed if it did. */
  public final class Running implements AutoCloseable {
    private final LoadPlan plan;
    private final ConcurrentLinkedQueue<LoadChunk> queue;
    private final ExecutorService streams;
    private final CountDownLatch imported;
    private final CountDownLatch done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger left;
    private final List<Connection> open = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private volatile Consumer<Throwable> onFailure = f -> {};

    /** Whether the snapshot is the slot's, taken before any lock of ours: checked by catalog. */
    private final boolean fromSlot;

    private Running(LoadPlan plan, Optional<String> snapshot, boolean fromSlot) {
      this.plan = plan;
      this.fromSlot = fromSlot;
      this.queue = new ConcurrentLinkedQueue<>(plan.remaining());
      int n = Math.max(1, Math.min(config.capture().load().parallelism(), queue.size()));
      this.imported = new CountDownLatch(n);
      this.done = new CountDownLatch(n);
      this.left = new AtomicInteger(n);
      listener.planned(plan.chunks(), plan.copied());
      AtomicInteger number = new AtomicInteger();
      this.streams =
          Executors.newFixedThreadPool(
              n,
              r -> {
                Thread t =
                    new Thread(r, "sluice-load-" + config.name() + "-" + number.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      if (queue.isEmpty()) {
        // nothing left to copy: only the end is to be recorded
        streams.execute(() -> stream(snapshot));
      } else {
        for (int i = 0; i < n; i++) {
          streams.execute(() -> stream(snapshot));
        }
      }
    }

    private void stream(Optional<String> snapshot) {
      boolean counted = false;
      try (Connection source = new SourceConnections(config.source(), "load").open();
          Connection target = openTarget()) {
        open.add(source);
        open.add(target);
        source.setAutoCommit(false);
        try (Statement st = source.createStatement()) {
          st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          if (snapshot.isPresent()) {
            st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.get() + "'");
          }
          // A table rewritten (ALTER COLUMN TYPE...) after a snapshot was taken looks empty to
          // it. The share locks keep migrations from rewriting a table until the load read it;
          // taken before this transaction's own snapshot, or checked against the slot's catalog
          // horizon when the snapshot is the exported one.
          st.execute(
              "LOCK TABLE "
                  + tables.ids().stream().map(TableId::quoted).collect(Collectors.joining(", "))
                  + " IN ACCESS SHARE MODE");
          st.execute("SELECT 1"); // takes the transaction's snapshot, if not imported
        }
        if (fromSlot) {
          List<TableId> changed =
              SnapshotGuard.changedSinceSlot(source, config.source().slot(), tables.ids());
          if (!changed.isEmpty()) {
            throw SnapshotGuard.rewritten(changed);
          }
        }
        imported.countDown();
        counted = true;
        LoadChunk chunk;
        while (!stopping && failure.get() == null && (chunk = queue.poll()) != null) {
          TableSchema table = tables.schemas().get(tableOf(chunk));
          long rows = ChunkCopy.copy(source, target, table, chunk, plan.position());
          target.commit();
          store.copied(chunk, rows, lease);
          listener.copied(chunk, rows);
        }
        source.commit();
      } catch (Throwable e) {
        if (!stopping && failure.compareAndSet(null, e)) {
          onFailure.accept(e);
        }
      } finally {
        if (!counted) {
          imported.countDown();
        }
        if (left.decrementAndGet() == 0) {
          finishIfAllCopied();
        }
        done.countDown();
      }
    }

    private void finishIfAllCopied() {
      if (failure.get() != null || stopping || !queue.isEmpty()) {
        return;
      }
      try (Connection target = openTarget()) {
        DeferredIndexes.restore(target, tables.ids());
        store.finish(lease);
        listener.finished();
        log.info("initial load of pipeline {} finished", config.name());
      } catch (SQLException | RuntimeException e) {
        failure.compareAndSet(null, e);
      }
    }

    private TableId tableOf(LoadChunk chunk) {
      return tables.ids().stream()
          .filter(id -> id.quoted().equals(chunk.table()))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "load chunk "
                          + chunk.id()
                          + " names a table that is not captured: "
                          + tables.ids().stream()
                              .map(TableId::quoted)
                              .collect(Collectors.joining(", "))));
    }

    /** Waits until every stream holds its snapshot; rethrows why one could not. */
    private void awaitImported() throws SQLException, InterruptedException {
      imported.await();
      Throwable f = failure.get();
      if (f != null) {
        close();
        if (f instanceof SQLException e) {
          throw e;
        }
        if (f instanceof RuntimeException e) {
          throw e;
        }
        throw new IllegalStateException("the initial load could not start: " + f.getMessage(), f);
      }
    }

    /** Called, on a stream's thread, with the error that stopped the load, if one does. */
    public void onFailure(Consumer<Throwable> action) {
      onFailure = action;
      Throwable f = failure.get();
      if (f != null) {
        action.accept(f);
      }
    }

    /** Whether every stream has ended, copied or failed. */
    public boolean ended() {
      return done.getCount() == 0;
    }

    /** Why the load stopped, if it failed. */
    public Optional<Throwable> failure() {
      return Optional.ofNullable(failure.get());
    }

    /** Waits up to {@code timeoutMillis} for the load to end; whether it did. */
    public boolean await(long timeoutMillis) throws InterruptedException {
      return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Stops the streams: each chunk in flight is rolled back and copied again on resume. */
    @Override
    public void close() {
      stopping = true;
      synchronized (open) {
        for (Connection c : open) {
          try {
            c.abort(Runnable::run);
          } catch (SQLException e) {
            log.debug("aborting a load connection failed", e);
          }
        }
      }
      streams.shutdownNow();
    }
  }
}
