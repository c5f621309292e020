package io.sluice.cli.bench;

import io.sluice.apply.ApplyWorker;
import io.sluice.apply.GroupBacklog;
import io.sluice.capture.CaptureService;
import io.sluice.capture.CapturedTables;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.ControlPlane;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.PipelinePreparation;
import io.sluice.core.Lsn;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * sluice as a benchmark contender: capture runs from {@link #start} to {@link #close()}, while the
 * apply workers (one per group, as {@code sluice run} has them) are started and stopped around each
 * drain through their public API only. Drained means what {@code CatchUp} means by it: every
 * partition's checkpoint has reached the partition's end offset.
 */
final class SluiceContender implements AutoCloseable {
  private final PipelineConfig config;
  private final DynamoDbClient dynamo;
  private final ApplyCheckpointStore checkpoints;
  private final CaptureService capture;
  private final Admin admin;
  private final Connection sourcePoll;
  private final List<ApplyWorker> workers = new ArrayList<>();

  private SluiceContender(PipelineConfig config, CapturedTables tables) throws SQLException {
    this.config = config;
    this.dynamo = DynamoDbClients.create(config.dynamoDb());
    this.checkpoints =
        new DynamoDbApplyCheckpointStore(dynamo, new StateTables(config.dynamoDb().tablePrefix()));
    this.capture = new CaptureService(config, tables);
    this.admin = Admin.create(config.kafka().clientProperties());
    this.sourcePoll = connect(config.source().jdbcUrl(), config);
  }

  /**
   * Checks the source catalog, creates the target tables, and starts capture, which snapshots the
   * tables into Kafka and then streams.
   */
  static SluiceContender start(PipelineConfig config) throws Exception {
    CapturedTables tables = PipelinePreparation.prepare(config);
    SluiceContender c = new SluiceContender(config, tables);
    try {
      c.capture.start();
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Starts one apply worker per group, each from its group's checkpoints. */
  void startApply() {
    if (!workers.isEmpty()) {
      throw new IllegalStateException("apply workers already running");
    }
    StateTables state = new StateTables(config.dynamoDb().tablePrefix());
    for (GroupConfig g : config.groups()) {
      ApplyWorker w =
          new ApplyWorker(
              config,
              g,
              ControlPlane.dynamoDb(dynamo, state, config.apply(), ControlPlane.defaultWorkerId()),
              io.micrometer.core.instrument.Metrics.globalRegistry);
      workers.add(w);
      w.start();
    }
  }

  /** Stops every apply worker after its batch in flight. */
  void stopApply() {
    for (ApplyWorker w : workers) {
      w.close();
    }
    workers.clear();
  }

  /** Changes the running workers have committed to the target since they started. */
  long appliedEvents() {
    return workers.stream().mapToLong(w -> w.stats().events()).sum();
  }

  /** Batches (target transactions) the running workers have committed since they started. */
  long appliedBatches() {
    return workers.stream().mapToLong(w -> w.stats().batches()).sum();
  }

  /** Changes capture has had acknowledged by Kafka since it started. */
  long publishedEvents() {
    return config.groups().stream().mapToLong(g -> capture.stats().events(g.name())).sum();
  }

  /** Whether capture has finished its snapshot and streams from the slot. */
  boolean streaming() {
    return capture.stats().streaming();
  }

  /** The first failure of capture or of a running worker. */
  Optional<Throwable> failure() {
    Optional<Throwable> f = capture.failure();
    for (ApplyWorker w : workers) {
      if (f.isEmpty()) {
        f = w.failure();
      }
    }
    return f;
  }

  /** The slot's confirmed position: every change before it is acknowledged by Kafka. */
  Lsn slotConfirmed() throws SQLException {
    try (PreparedStatement ps =
        sourcePoll.prepareStatement(
            "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, config.source().slot());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getString(1) != null ? Lsn.parse(rs.getString(1)) : Lsn.ZERO;
      }
    }
  }

  /** The source's current WAL insert position, past every commit made so far. */
  Lsn sourceLsn() throws SQLException {
    try (PreparedStatement ps =
            sourcePoll.prepareStatement("SELECT pg_current_wal_insert_lsn()::text");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Lsn.parse(rs.getString(1));
    }
  }

  /** The end offset of every partition of every group's topic. */
  GroupBacklog.EndOffsets endOffsets() throws Exception {
    Map<GroupConfig, List<Integer>> all = new LinkedHashMap<>();
    config.groups().forEach(g -> all.put(g, GroupBacklog.allPartitions(g)));
    GroupBacklog.EndOffsets ends =
        GroupBacklog.endOffsets(admin, config, all, Duration.ofSeconds(60));
    if (ends.failure().isPresent()) {
      throw ends.failure().get();
    }
    return ends;
  }

  /** Each group's backlog against the given end offsets, from the stored checkpoints. */
  List<GroupBacklog> backlogs(GroupBacklog.EndOffsets ends) {
    return config.groups().stream()
        .map(
            g ->
                GroupBacklog.of(
                    g.name(),
                    GroupBacklog.allPartitions(g),
                    ends.of(g.name()),
                    checkpoints.load(g.name())))
        .toList();
  }

  /** Whether every partition's checkpoint has reached the given end offset. */
  boolean checkpointsReached(GroupBacklog.EndOffsets ends) {
    return backlogs(ends).stream().allMatch(GroupBacklog::caughtUp);
  }

  @Override
  public void close() {
    stopApply();
    capture.close();
    admin.close();
    dynamo.close();
    try {
      sourcePoll.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }

  private static Connection connect(String url, PipelineConfig config) throws SQLException {
    return DriverManager.getConnection(
        url, config.source().user(), config.source().password().value());
  }
}
