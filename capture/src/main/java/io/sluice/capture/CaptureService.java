package io.sluice.capture;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.sluice.capture.internal.CapturePreflight;
import io.sluice.capture.internal.ChangeReader;
import io.sluice.capture.internal.DebeziumProperties;
import io.sluice.capture.internal.SlotInspector;
import io.sluice.capture.internal.SourceConnections;
import io.sluice.capture.internal.SourceRecordMapper;
import io.sluice.capture.internal.StartCheck;
import io.sluice.capture.internal.TopicSetup;
import io.sluice.capture.load.InitialLoad;
import io.sluice.capture.load.LoadListener;
import io.sluice.capture.routing.ChangeRouter;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.SluiceException;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The capture process of one pipeline: Debezium Embedded reads the slot, and every change is sent
 * to its group's topic with an idempotent {@code acks=all} producer ({@link ChangeRouter}). A batch
 * is marked processed only after Kafka acknowledged all of it, so the offset in DynamoDB, and with
 * it the slot's confirmed LSN, never moves past what Kafka holds.
 *
 * <p>Any failure stops capture and is reported by {@link #failure()}; nothing is skipped.
 */
public final class CaptureService implements CaptureRun {
  private static final Logger log = LoggerFactory.getLogger(CaptureService.class);

  private final PipelineConfig config;
  private final CapturedTables tables;
  private final Optional<Lease> lease;

  /** Source sessions: one for the preflight, and one held for catalog reads and row fills. */
  private final SourceConnections source;

  private final ChangeReader reader;
  private final CaptureStats stats = new CaptureStats();
  private final CaptureMetrics metrics;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Opened once the engine's task has started, or the engine has stopped without starting it. */
  private final CountDownLatch startedOrStopped = new CountDownLatch(1);

  /**
   * Set when this run takes the initial snapshot: before the first record is sent, every table's
   * {@link Op#RELOAD} goes out and the snapshot's position is fixed.
   */
  private boolean reloadPending;

  private volatile boolean progressed;

  private ChangeRouter router;
  private LoadListener loadListener = LoadListener.NONE;
  private volatile InitialLoad.Running load;
  private DynamoDbClient loadState;
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
    this.reader = new ChangeReader(config, tables, source, metrics.clock());
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
  @Override
  public synchronized void start() throws SQLException, InterruptedException {
    if (engine != null) {
      throw new IllegalStateException("capture already started");
    }
    Properties kafka = config.kafka().clientProperties();
    CapturePreflight preflight =
        new CapturePreflight(
            config,
            tables.ids(),
            lease,
            tables.ids().stream()
                .filter(id -> tables.schemas().get(id).keyless())
                .map(TableId::quoted)
                .collect(java.util.stream.Collectors.toSet()));
    StartCheck.Decision decision =
        preflight.run(
            source,
            kafka,
            (t, rows) -> metrics.expectRows(tables.groupOf(t).orElseThrow().name(), t, rows));
    if (decision == StartCheck.Decision.LOAD || decision == StartCheck.Decision.RESUME_LOAD) {
      startLoad(decision, preflight.loadPlan());
    } else if (!preflight.joined().isEmpty()) {
      loadJoined(preflight.loadPlan().orElseThrow(), preflight.joined());
    }
    if (decision == StartCheck.Decision.SNAPSHOT || decision == StartCheck.Decision.RESNAPSHOT) {
      reloadPending = true;
    } else {
      stats.streamingStarted(); // streaming from the slot: no snapshot through Kafka
    }
    router =
        new ChangeRouter(
            config,
            tables::groupOf,
            new KafkaProducer<>(
                ChangeRouter.producerProperties(
                    kafka, config.name(), config.kafka().maxMessageBytes())));
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(DebeziumProperties.of(config, tables.ids(), lease))
            .notifying(this::handleBatch)
            .using(this::completed)
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void taskStarted() {
                    startedOrStopped.countDown();
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
    if (load != null && load.failure().isPresent()) {
      stopEngine(); // the load failed before the engine existed to be stopped
    }
    metrics.capturing(true);
    metrics.snapshotting(!stats.streaming());
    log.info(
        "capture of pipeline {} started: {} tables in {} groups, slot {}",
        config.name(),
        tables.ids().size(),
        config.groups().size(),
        config.source().slot());
  }

  /**
   * Starts the copy load, or resumes it, before the engine streams: a new load creates the slot
   * with its exported snapshot and returns once the loader sessions hold that snapshot, so the
   * engine can take the slot over. A load that fails stops the engine, with the load's error as
   * capture's failure; the next start resumes the load.
   */
  private void startLoad(StartCheck.Decision decision, Optional<LoadPlan> plan)
      throws SQLException, InterruptedException {
    InitialLoad initial = initialLoad();
    load =
        decision == StartCheck.Decision.LOAD
            ? initial.begin(
                source,
                s -> SlotInspector.restartLsn(s.connection(), config.source().slot()).value(),
                TopicSetup.endOffsets(config.kafka().clientProperties(), config.topics()))
            : initial.resume(plan.orElseThrow());
    load.onFailure(
        f -> {
          if (failure.compareAndSet(null, f)) {
            log.warn(
                "initial load of pipeline {} stopped: {}",
                config.name(),
                ErrorClassifier.describe(f));
          }
          stopEngine();
        });
  }

  /**
   * Copies the tables that joined the pipeline since its load, before the engine streams: their
   * changes reach Kafka only after their rows are on the target, so apply, which keeps running for
   * the other tables, never writes a change of theirs first.
   */
  private void loadJoined(LoadPlan plan, List<TableId> joined)
      throws SQLException, InterruptedException {
    InitialLoad.Running running = initialLoad().add(plan, joined);
    load = running;
    while (!running.await(1_000)) {
      // copying; close() stops it
    }
    load = null;
    Optional<Throwable> failed = running.failure();
    if (failed.isPresent()) {
      if (failed.get() instanceof SQLException e) {
        throw e;
      }
      if (failed.get() instanceof RuntimeException e) {
        throw e;
      }
      throw new SluiceException("copying the tables that joined failed", failed.get());
    }
  }

  private InitialLoad initialLoad() {
    Lease held =
        lease.orElseThrow(
            () -> new IllegalStateException("the copy load runs under the capture lease"));
    if (loadState == null) {
      loadState = DynamoDbClients.create(config.dynamoDb());
    }
    return new InitialLoad(
        config,
        tables,
        new DynamoDbLoadProgressStore(
            loadState, new StateTables(config.dynamoDb().tablePrefix()), metrics.clock()),
        held,
        metrics.loadListener(tables, loadListener));
  }

  private void stopEngine() {
    DebeziumEngine<?> e = engine;
    if (e == null) {
      return;
    }
    try {
      startedOrStopped.await();
      e.close();
    } catch (IOException | IllegalStateException ignored) {
      // stopped already; failure() says why
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops the engine as if it had failed with {@code reason}: whoever runs capture decides what
   * next (for a {@link io.sluice.core.error.TryAgainException}, starting it again).
   */
  @Override
  public void stopFor(RuntimeException reason) {
    failure.compareAndSet(null, reason);
    stopEngine();
  }

  /** The copy load this run started or resumed, while there is one. */
  public Optional<InitialLoad.Running> load() {
    return Optional.ofNullable(load);
  }

  @Override
  public CaptureStats stats() {
    return stats;
  }

  /** Why capture stopped on its own, if it did. */
  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public boolean isRunning() {
    return engine != null && stopped.getCount() > 0;
  }

  /** Whether capture has handed at least one batch (changes or heartbeats) to Kafka. */
  @Override
  public boolean progressed() {
    return progressed;
  }

  /** Waits until the engine stops, on its own (see {@link #failure}) or by {@link #close}. */
  @Override
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  private void handleBatch(
      List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    if (reloadPending) {
      reader.startSnapshot().forEach(router::route);
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
      reader.schemaChange(r.record()).ifPresent(router::route);
      reader.map(r.record()).flatMap(reader::fill).ifPresent(router::route);
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
        reader.snapshotEnded();
        stats.streamingStarted();
        metrics.snapshotting(false);
      }
      committer.markProcessed(r);
    }
    committer.markBatchFinished();
    progressed = true;
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
    startedOrStopped.countDown();
  }

  /** Who hears how the copy load goes; set before {@link #start}. */
  @Override
  public void loadListener(LoadListener listener) {
    this.loadListener = listener;
  }

  /** Stops the engine (which flushes offsets) and the producer. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (load != null) {
      load.close(); // first: a chunk in flight is rolled back, not finished meanwhile
      load = null;
    }
    if (engine == null) {
      return;
    }
    try {
      // Debezium refuses to stop a task that is still starting; let it finish (or fail) first.
      startedOrStopped.await();
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
      if (loadState != null) {
        loadState.close();
        loadState = null;
      }
      metrics.capturing(false);
      executor.shutdownNow();
      router.close();
      engine = null;
      source.close();
    }
  }
}
