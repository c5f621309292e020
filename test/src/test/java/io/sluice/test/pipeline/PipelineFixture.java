package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.apply.ApplyWorker;
import io.sluice.apply.TargetSchema;
import io.sluice.capture.CaptureMetrics;
import io.sluice.capture.CaptureSingleton;
import io.sluice.capture.CaptureStats;
import io.sluice.capture.CapturedTables;
import io.sluice.capture.SourceCatalog;
import io.sluice.checkpoint.ControlPlane;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.CredentialSources;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A pipeline over one test's isolated databases, with capture and each group's apply worker started
 * and stopped separately, as the restart tests need.
 */
final class PipelineFixture implements AutoCloseable {
  final TestIsolation slice;
  final PipelineConfig config;
  private final DynamoDbClient dynamo;
  private CapturedTables tables;
  private CaptureSingleton capture;
  private boolean captureRestartsExpected;
  private CaptureStats firstCaptureStats;
  private final List<ApplyWorker> workers = new ArrayList<>();
  private final String workerId = "test-worker-" + java.util.UUID.randomUUID();
  private ControlPlane controlPlane;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  PipelineFixture(TestIsolation slice, String groupsYaml) {
    this(slice, groupsYaml, Map.of());
  }

  /** With settings overridden as by {@code SLUICE_*} environment variables. */
  PipelineFixture(TestIsolation slice, String groupsYaml, Map<String, String> env) {
    this(slice, groupsYaml, env, CredentialSources.NONE);
  }

  /** With database credentials from {@code credentials} where the settings ask for them. */
  PipelineFixture(
      TestIsolation slice,
      String groupsYaml,
      Map<String, String> env,
      CredentialSources credentials) {
    this.slice = slice;
    String yaml =
        slice.pipelineYaml(
            """
            capture:
              heartbeat-interval: 1s
            apply:
              batch:
                rows: 500
                linger: 100ms
            """,
            groupsYaml);
    this.config = new ConfigLoader(env, credentials).parse(yaml, "test config");
    this.dynamo = DynamoDbClients.create(config.dynamoDb());
  }

  /** Resolves the catalog and prepares the target tables, as {@code sluice run} does. */
  CapturedTables prepare() throws SQLException {
    try (Connection source = slice.connectSource()) {
      tables = SourceCatalog.resolve(source, config);
    }
    try (Connection target = slice.connectTarget()) {
      TargetSchema.ensure(target, tables.ids().stream().map(tables.schemas()::get).toList());
    }
    return tables;
  }

  /**
   * Starts capture as {@code sluice run} does: a {@link CaptureSingleton} under the capture lease,
   * reporting its state to the control store, started again after every retriable failure. Returns
   * once capture has first started (or failed to). For tests that inject no fault: {@link
   * #assertHealthy} fails as soon as capture halts or is started again, as it failed when capture
   * stopped on any error before the restart loop existed.
   */
  CaptureSingleton startCapture() throws Exception {
    return startCapture(false);
  }

  /**
   * As {@link #startCapture()}, for tests that cut the source, Kafka or DynamoDB away: capture
   * started again after a retriable failure, or after its lease ran out, is what they test, so
   * {@link #assertHealthy} fails only once capture halts.
   */
  CaptureSingleton startCaptureThroughFaults() throws Exception {
    return startCapture(true);
  }

  private CaptureSingleton startCapture(boolean restartsExpected) throws Exception {
    if (tables == null) {
      prepare();
    }
    controlPlane(); // the state tables, as sluice run creates them before capture starts
    capture =
        CaptureSingleton.underDynamoDbLease(
                config,
                tables,
                dynamo,
                workerId,
                new CaptureMetrics(meters, Clock.systemUTC()),
                Clock.systemUTC())
            .reportingTo(controlPlane().control());
    capture.start();
    captureRestartsExpected = restartsExpected;
    firstCaptureStats = capture.stats();
    return capture;
  }

  /** Stops capture, offsets flushed, and gives the capture lease up; start it again at will. */
  void stopCapture() {
    capture.close();
    capture = null;
  }

  /** The stored initial load (copy load), with its progress; empty before one was planned. */
  java.util.Optional<io.sluice.checkpoint.LoadPlan> loadPlan() {
    return new io.sluice.checkpoint.DynamoDbLoadProgressStore(
            dynamo, new StateTables(config.dynamoDb().tablePrefix()), Clock.systemUTC())
        .plan();
  }

  List<ApplyWorker> startApply() {
    workers.clear();
    for (GroupConfig g : config.groups()) {
      ApplyWorker w = new ApplyWorker(config, g, controlPlane(), meters);
      w.start();
      workers.add(w);
    }
    return List.copyOf(workers);
  }

  /**
   * Starts one more apply worker of a group under its own identity and clock (leases expire on it);
   * closed with the fixture.
   */
  ApplyWorker startWorker(String group, String id, Clock clock) {
    return startWorker(group, id, clock, meters);
  }

  /** As {@link #startWorker(String, String, Clock)}, with meters of its own, as a pod has. */
  ApplyWorker startWorker(String group, String id, Clock clock, MeterRegistry registry) {
    ApplyWorker w =
        new ApplyWorker(
            config,
            config.group(group),
            ControlPlane.dynamoDb(
                dynamo,
                new StateTables(config.dynamoDb().tablePrefix()),
                config.apply(),
                id,
                clock),
            registry);
    w.start();
    workers.add(w);
    return w;
  }

  /** The group control state, as `sluice ctl` reads and changes it. */
  io.sluice.checkpoint.GroupControlStore groupControl() {
    return controlPlane().control();
  }

  /** The leases of the pipeline's partitions. */
  io.sluice.checkpoint.LeaseStore leases() {
    return controlPlane().leases();
  }

  /** The control plane of this fixture's workers: one worker identity, the system clock. */
  synchronized ControlPlane controlPlane() {
    if (controlPlane == null) {
      StateTables tables = new StateTables(config.dynamoDb().tablePrefix());
      tables.ensureExist(dynamo);
      controlPlane = ControlPlane.dynamoDb(dynamo, tables, config.apply(), workerId);
    }
    return controlPlane;
  }

  void stopApply() {
    workers.forEach(ApplyWorker::close);
  }

  /**
   * Fails fast if capture or a worker stopped on an error, with that error. Not an {@link
   * AssertionError}, so that a wait asserting in a loop ({@code untilAsserted}) stops at once
   * instead of retrying until its deadline.
   */
  void assertHealthy() {
    if (capture != null && capture.failure().isPresent()) {
      throw new IllegalStateException("capture halted", capture.failure().get());
    }
    // Each start of capture counts into new stats: other stats than the first mean capture
    // stopped (on an error, or losing its lease) and was started again, or is waiting to be.
    if (capture != null
        && !captureRestartsExpected
        && (capture.stats() != firstCaptureStats || capture.restarting().isPresent())) {
      throw new IllegalStateException(
          "capture stopped and was started again: "
              + capture.restarting().orElse("see the log for why"));
    }
    for (ApplyWorker w : workers) {
      if (w.failure().isPresent()) {
        throw new IllegalStateException(
            "apply of " + w.group().name() + " failed", w.failure().get());
      }
    }
  }

  /**
   * Waits until the target table holds exactly the source rows (of {@code sourceRows}, a table name
   * or a table with a WHERE clause), failing at once if capture or apply fail.
   */
  void awaitTargetMatches(
      Connection source,
      Connection target,
      String table,
      String sourceRows,
      String columns,
      String orderBy) {
    await()
        .atMost(Duration.ofSeconds(60))
        // until a column the source gained reaches the target (undefined_column)
        .ignoreExceptionsMatching(
            e -> e instanceof SQLException s && "42703".equals(s.getSQLState()))
        .untilAsserted(
            () -> {
              assertHealthy();
              assertThat(rows(target, table, columns, orderBy))
                  .isEqualTo(rows(source, sourceRows, columns, orderBy));
            });
  }

  void awaitTargetMatches(
      Connection source, Connection target, String table, String columns, String orderBy) {
    awaitTargetMatches(source, target, table, table, columns, orderBy);
  }

  /** Every change event in a group's topic, across partitions, from the beginning. */
  List<ChangeEvent> topicEvents(String group) {
    String topic = config.topicOf(config.group(group));
    Properties p = new Properties();
    p.put("bootstrap.servers", config.kafka().bootstrapServers());
    ChangeEventCodec codec = new ChangeEventCodec();
    List<ChangeEvent> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < config.group(group).partitions(); i++) {
        parts.add(new TopicPartition(topic, i));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(codec.decode(r.value()));
        }
      }
    }
    return out;
  }

  /** All rows of a table as text, ordered by the given key, from one side. */
  static List<String> rows(Connection c, String table, String columns, String orderBy)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT ROW(" + columns + ")::text FROM " + table + " ORDER BY " + orderBy)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Waits until the worker applies nothing between two polls a second apart; its count then. */
  static long awaitStalled(ApplyWorker worker) {
    java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
    await()
        .pollInterval(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(30))
        .alias("apply stops advancing")
        .until(() -> worker.stats().events() == last.getAndSet(worker.stats().events()));
    return worker.stats().events();
  }

  static void exec(Connection c, String... sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  /**
   * Stops capture and apply and lets the state go, leaving the databases for a fixture of another
   * configuration on the same slice; {@link #close} drops them.
   */
  void closeKeepingDatabases() {
    stopApply();
    if (capture != null) {
      capture.close();
      capture = null;
    }
    dynamo.close();
  }

  @Override
  public void close() {
    try {
      stopApply();
      if (capture != null) {
        capture.close();
      }
      try (Connection c = slice.connectSource()) {
        exec(
            c,
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = '"
                + config.source().slot()
                + "' AND NOT active");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    } finally {
      dynamo.close();
      slice.close();
    }
  }
}
