package io.sluice.capture;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.sluice.capture.internal.CapturePreflight;
import io.sluice.capture.internal.DebeziumProperties;
import io.sluice.capture.internal.SchemaTracker;
import io.sluice.capture.internal.SlotInspector;
import io.sluice.capture.internal.SnapshotGuard;
import io.sluice.capture.internal.SourceConnections;
import io.sluice.capture.internal.SourceRecordMapper;
import io.sluice.capture.internal.SourceRowFiller;
import io.sluice.capture.internal.StartCheck;
import io.sluice.capture.internal.TableAttributes;
import io.sluice.capture.routing.ChangeRouter;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.core.Lsn;
import io.sluice.core.SluiceException;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture process of one pipeline: Debezium Embedded reads the slot, and every change is sent
 * to its group's topic with an idempotent {@code acks=all} producer ({@link ChangeRouter}). A batch
 * is marked processed only after Kafka acknowledged all of it, so the offset in DynamoDB, and with
 * it the slot's confirmed LSN, never moves past what Kafka holds.
 *
 * <p>Any failure stops capture and is reported by {@link #failure()}; nothing is skipped.
 */
public final class CaptureService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CaptureService.class);

  private final PipelineConfig config;
  private final CapturedTables tables;
  private final Optional<Lease> lease;
  private final SchemaTracker schemas;
  private final SourceRecordMapper mapper;

  /** Source sessions: one for the preflight, and one held for catalog reads and row fills. */
  private final SourceConnections source;

  private final SourceRowFiller rowFiller;
  private final CaptureStats stats = new CaptureStats();
  private final CaptureMetrics metrics;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch taskStarted = new CountDownLatch(1);

  /**
   * Set when this run takes the initial snapshot: before the first record is sent, every table's
   * {@link Op#RELOAD} goes out and the snapshot's position is fixed.
   */
  private boolean reloadPending;

  private volatile boolean progressed;

  /** Watches this run's initial snapshot for tables rewritten before it read them. */
  private SnapshotGuard snapshotGuard;

  private ChangeRouter router;
  private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private ExecutorService executor;

  public CaptureService(PipelineConfig config, CapturedTables tables) {
    this(config, tables, Optional.empty(), new CaptureMetrics());
  }

  /**
   * @param lease the capture lease this process holds ({@link CaptureSingleton}); every offset
   *     write is conditional on it
   * @param metrics the process's capture meters
   */
  public CaptureService(
      PipelineConfig config, CapturedTables tables, Optional<Lease> lease, CaptureMetrics metrics) {
    this.config = config;
    this.tables = tables;
    this.lease = lease;
    this.metrics = metrics;
    this.source = new SourceConnections(config.source(), "catalog");
    this.rowFiller = new SourceRowFiller(source);
    this.schemas =
        new SchemaTracker(
            tables.schemas(),
            new SchemaTracker.Catalog() {
              @Override
              public TableSchema describe(TableId table) throws SQLException {
                return SourceCatalog.describe(
                    source.connection(), table, tables.groupOf(table).orElseThrow());
              }

              @Override
              public TableAttributes attributes(TableId table) throws SQLException {
                return TableAttributes.read(source.connection(), table);
              }
            });
    this.mapper = new SourceRecordMapper(schemas::schemaOf);
  }

  /**
   * Prepares source, Kafka and DynamoDB ({@link CapturePreflight}), then starts the engine in the
   * background. Decides first how capture starts ({@link StartCheck}): resuming from the stored
   * offset, or taking the initial snapshot, anew if an earlier one did not finish (its slot is
   * dropped first).
   *
   * @throws SQLException when the source cannot be reached or read (retriable: the caller may try
   *     again)
   */
  public synchronized void start() throws SQLException, InterruptedException {
    if (engine != null) {
      throw new IllegalStateException("capture already started");
    }
    Properties kafka = new Properties();
    kafka.putAll(config.kafka().properties());
    kafka.put("bootstrap.servers", config.kafka().bootstrapServers());
    StartCheck.Decision decision =
        new CapturePreflight(config, tables.ids(), lease)
            .run(
                source,
                kafka,
                (t, rows) -> metrics.expectRows(tables.groupOf(t).orElseThrow().name(), t, rows));
    if (decision == StartCheck.Decision.RESUME) {
      stats.streamingStarted(); // the snapshot finished in an earlier run
    } else {
      reloadPending = true;
    }
    router =
        new ChangeRouter(
            config,
            tables::groupOf,
            new KafkaProducer<>(ChangeRouter.producerProperties(kafka, config.name())));
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(DebeziumProperties.of(config, tables.ids(), lease))
            .notifying(this::handleBatch)
            .using(this::completed)
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void taskStarted() {
                    taskStarted.countDown();
                  }
                })
            .build();
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-capture-" + config.name());
              t.setDaemon(true);
              return t;
            });
    executor.execute(engine);
    metrics.capturing(true);
    metrics.snapshotting(!stats.streaming());
    log.info(
        "capture of pipeline {} started: {} tables in {} groups, slot {}",
        config.name(),
        tables.ids().size(),
        config.groups().size(),
        config.source().slot());
  }

  public CaptureStats stats() {
    return stats;
  }

  /** Why capture stopped on its own, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  public boolean isRunning() {
    return engine != null && stopped.getCount() > 0;
  }

  /** Whether capture has handed at least one batch (changes or heartbeats) to Kafka. */
  public boolean progressed() {
    return progressed;
  }

  /** Waits until the engine stops, on its own (see {@link #failure}) or by {@link #close}. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  private void handleBatch(
      List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    if (reloadPending) {
      announceReload();
      reloadPending = false;
    }
    long heartbeatMicros = 0;
    for (RecordChangeEvent<SourceRecord> r : records) {
      Optional<ChangeEvent> heartbeat = SourceRecordMapper.heartbeat(r.record());
      if (heartbeat.isPresent()) {
        router.route(heartbeat.get());
        heartbeatMicros = Math.max(heartbeatMicros, heartbeat.get().sourceTsMicros());
        continue;
      }
      observeSchema(r.record()).ifPresent(router::route);
      map(r.record()).flatMap(this::fill).ifPresent(router::route);
    }
    for (ChangeRouter.Sent s : router.awaitSent()) {
      ChangeEvent e = s.change();
      stats.recorded(s.group().name(), e.sourceTsMicros());
      metrics.sent(s.group().name(), e.table(), e.op(), e.sourceTsMicros());
    }
    metrics.sourceCommitted(heartbeatMicros);
    stats.observed(heartbeatMicros);
    for (RecordChangeEvent<SourceRecord> r : records) {
      if (SourceRecordMapper.endsSnapshot(r.record())) {
        if (snapshotGuard != null) {
          guard(g -> g.finished(source.connection()));
          snapshotGuard = null;
        }
        stats.streamingStarted();
        metrics.snapshotting(false);
      }
      committer.markProcessed(r);
    }
    committer.markBatchFinished();
    progressed = true;
  }

  /** The schema event a record brings, when its table's structure changed with it. */
  private Optional<ChangeEvent> observeSchema(SourceRecord record) {
    try {
      return schemas.observe(record);
    } catch (SQLException e) {
      throw new SluiceException(
          "could not read the source catalog after a schema change: " + e.getMessage(), e);
    }
  }

  /**
   * The record's change, if it carries one. The first snapshot row of a table checks that the table
   * was not rewritten before the snapshot read it.
   */
  private Optional<ChangeEvent> map(SourceRecord record) {
    Optional<ChangeEvent> event = mapper.map(record);
    if (snapshotGuard != null && event.isPresent() && event.get().op() == Op.SNAPSHOT) {
      TableId read = event.get().table();
      guard(g -> g.firstRow(source.connection(), read));
    }
    return event;
  }

  /**
   * The change with the values it lacks read from the source row ({@link SourceRowFiller#needs}),
   * or empty when that row is gone since: whatever removed it follows in the stream. A change that
   * lacks nothing comes back as it is.
   */
  private Optional<ChangeEvent> fill(ChangeEvent e) {
    if (!SourceRowFiller.needs(e)) {
      return Optional.of(e);
    }
    TableSchema schema = schemas.schemaOf(e.table()).orElseThrow();
    try {
      Optional<ChangeEvent> filled;
      try {
        filled = rowFiller.fill(e, schema);
      } catch (SQLException first) {
        // once more on a new connection: the source may have closed the idle one
        source.close();
        filled = rowFiller.fill(e, schema);
      }
      if (filled.isEmpty()) {
        log.info(
            "a change ({}) of {} at LSN {} needs values from a source row that is gone since;"
                + " its removal follows in the stream, so the change is not sent",
            e.op(),
            e.table(),
            e.lsn());
      }
      return filled;
    } catch (SQLException ex) {
      throw new SluiceException(
          "could not read from the source row the values a change ("
              + e.op()
              + ") of "
              + e.table()
              + " at LSN "
              + e.lsn()
              + " did not carry exactly: "
              + ex.getMessage(),
          ex);
    }
  }

  /**
   * Before the first record of an initial snapshot: fixes the snapshot's position just after the
   * slot's restart position, and tells apply, ahead of every row, that each table is loaded anew
   * from there, so rows the target holds from an earlier, interrupted snapshot (or an earlier life
   * of the pipeline) cannot survive or come back.
   */
  private void announceReload() {
    long restart;
    try {
      restart = SlotInspector.restartLsn(source.connection(), config.source().slot()).value();
    } catch (SQLException e) {
      throw new SluiceException(
          "could not read the position of replication slot "
              + config.source().slot()
              + " for the initial snapshot: "
              + e.getMessage(),
          e);
    }
    List<TableId> changed;
    try {
      snapshotGuard = SnapshotGuard.start(source.connection(), tables.ids());
      changed =
          SnapshotGuard.changedSinceSlot(source.connection(), config.source().slot(), tables.ids());
    } catch (SQLException e) {
      throw new SluiceException(
          "could not check the captured tables for changes since slot "
              + config.source().slot()
              + " was created: "
              + e.getMessage(),
          e);
    }
    if (!changed.isEmpty()) {
      throw SnapshotGuard.rewritten(changed);
    }
    mapper.snapshotAt(restart + 1);
    long now = System.currentTimeMillis() * 1_000;
    for (TableId t : tables.ids()) {
      router.route(ChangeEvent.reload(schemas.schemaOf(t).orElseThrow(), restart, now));
    }
    log.info(
        "initial snapshot of pipeline {} at slot position {}: {} tables announced for reload",
        config.name(),
        new Lsn(restart),
        tables.ids().size());
  }

  /** A check of {@link SnapshotGuard}, whose reads of the source catalog may fail. */
  private interface GuardCheck {
    void run(SnapshotGuard guard) throws SQLException;
  }

  private void guard(GuardCheck check) {
    try {
      check.run(snapshotGuard);
    } catch (SQLException e) {
      throw new SluiceException(
          "could not check the initial snapshot's tables for rewrites: " + e.getMessage(), e);
    }
  }

  private void completed(boolean success, String message, Throwable error) {
    if (!success || error != null) {
      Throwable cause = error != null ? error : new SluiceException(message);
      failure.compareAndSet(null, cause);
      // whoever runs capture decides: start it again or halt, logging the cause then
      log.warn(
          "capture engine of pipeline {} stopped: {}",
          config.name(),
          ErrorClassifier.describe(cause));
    }
    stopped.countDown();
  }

  /** Stops the engine (which flushes offsets) and the producer. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (engine == null) {
      return;
    }
    try {
      // Debezium refuses to stop a task that is still starting; let it finish (or fail) first.
      while (stopped.getCount() > 0 && !taskStarted.await(100, TimeUnit.MILLISECONDS)) {
        // keep waiting: the task either starts or the engine stops on its own
      }
      try {
        engine.close();
      } catch (IllegalStateException alreadyShutDown) {
        // The engine stopped on its own (capture failed); failure() reports why.
      }
      if (!stopped.await(30, TimeUnit.SECONDS)) {
        log.warn("capture engine of pipeline {} did not stop within 30 s", config.name());
      }
    } catch (IOException e) {
      log.warn("capture engine of pipeline {} failed to close cleanly", config.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      metrics.capturing(false);
      executor.shutdownNow();
      router.close();
      engine = null;
      source.close();
    }
  }
}
