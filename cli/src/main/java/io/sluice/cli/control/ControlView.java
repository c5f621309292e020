package io.sluice.cli.control;

import io.sluice.apply.GroupBacklog;
import io.sluice.capture.CaptureSingleton;
import io.sluice.checkpoint.ActiveRegion;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.DesiredState;
import io.sluice.checkpoint.DynamoDbActiveRegionStore;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbGroupControlStore;
import io.sluice.checkpoint.DynamoDbLeaseStore;
import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.GroupControl;
import io.sluice.checkpoint.GroupControlStore;
import io.sluice.checkpoint.GroupState;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseStore;
import io.sluice.checkpoint.LoadProgressStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.checkpoint.WorkerStatus;
import io.sluice.core.Lsn;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.InitialLoad;
import io.sluice.core.config.PipelineConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Reads and changes the control state of a pipeline's groups straight from DynamoDB and Kafka: what
 * `sluice ctl` does without an admin API, and what the admin API serves.
 */
public final class ControlView implements AdminServer.Control {
  private final PipelineConfig config;
  private final GroupControlStore control;
  private final LeaseStore leases;
  private final ApplyCheckpointStore checkpoints;
  private final LoadProgressStore load;
  private Admin kafka;
  private final Clock clock;
  private final Optional<DynamoDbClient> owned;
  private final DynamoDbActiveRegionStore regions;

  private ControlView(
      PipelineConfig config, DynamoDbClient dynamo, Clock clock, boolean ownsDynamo) {
    StateTables tables = new StateTables(config.dynamoDb().tablePrefix());
    this.config = config;
    this.control = new DynamoDbGroupControlStore(dynamo, tables, clock);
    this.leases = new DynamoDbLeaseStore(dynamo, tables, clock, config.apply().leaseTimeout());
    this.checkpoints = new DynamoDbApplyCheckpointStore(dynamo, tables, clock);
    this.load = new DynamoDbLoadProgressStore(dynamo, tables, clock);
    this.regions = new DynamoDbActiveRegionStore(dynamo, tables, clock);
    this.clock = clock;
    this.owned = ownsDynamo ? Optional.of(dynamo) : Optional.empty();
  }

  /**
   * The Kafka admin client, made at the first read of end offsets: pausing or resuming a group
   * needs no Kafka, and a client made for nothing costs an operator command seconds.
   */
  private synchronized Admin kafka() {
    if (kafka == null) {
      kafka = Admin.create(config.kafka().clientProperties());
    }
    return kafka;
  }

  /** Whether this view made a Kafka client (only reads of lag need one). */
  synchronized boolean kafkaOpened() {
    return kafka != null;
  }

  /**
   * The view of a pipeline's state in DynamoDB, whose tables exist, through a client the caller
   * keeps and closes.
   */
  public static ControlView of(PipelineConfig config, DynamoDbClient dynamo, Clock clock) {
    return new ControlView(config, dynamo, clock, false);
  }

  /** The view through a DynamoDB client of its own, creating missing state tables. */
  public static ControlView open(PipelineConfig config, Clock clock) {
    return open(config, DynamoDbClients.create(config.dynamoDb()), clock);
  }

  /** The view through the given client, which it closes, creating missing state tables. */
  static ControlView open(PipelineConfig config, DynamoDbClient dynamo, Clock clock) {
    new StateTables(config.dynamoDb().tablePrefix()).ensureExist(dynamo);
    return new ControlView(config, dynamo, clock, true);
  }

  public PipelineConfig config() {
    return config;
  }

  /**
   * Every group of the pipeline, in configuration order; the groups' items are read side by side,
   * and the end offsets of all their topics in one request.
   */
  @Override
  public List<GroupView> groups() {
    Map<String, Map<Integer, Long>> ends = endOffsets(config.groups());
    List<CompletableFuture<GroupView>> views = new ArrayList<>();
    ExecutorService readers =
        Executors.newFixedThreadPool(Math.min(4, Math.max(1, config.groups().size())));
    try {
      for (GroupConfig g : config.groups()) {
        views.add(
            CompletableFuture.supplyAsync(
                () -> view(g, ends.getOrDefault(g.name(), Map.of())), readers));
      }
      return views.stream().map(CompletableFuture::join).toList();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      readers.shutdown();
    }
  }

  /**
   * What capture is doing: the report of the process that leads (or retries, or halted), else of a
   * standby; UNKNOWN when none reported within three capture lease timeouts.
   */
  @Override
  public CaptureView capture() {
    Instant now = clock.instant();
    Duration fresh = config.capture().leaseTimeout().multipliedBy(3);
    List<WorkerStatus> reports =
        control.workers(CaptureSingleton.LEASE_GROUP).stream()
            .filter(w -> w.state() != WorkerStatus.ActualState.STOPPED)
            .filter(w -> Duration.between(w.reportedAt(), now).compareTo(fresh) <= 0)
            .toList();
    List<String> standbys =
        reports.stream()
            .filter(w -> w.state() == WorkerStatus.ActualState.STANDBY)
            .map(WorkerStatus::worker)
            .toList();
    Optional<WorkerStatus> leader =
        reports.stream()
            .filter(w -> w.state() != WorkerStatus.ActualState.STANDBY)
            .max(Comparator.comparing(WorkerStatus::reportedAt));
    LoadView loadView =
        config.capture().load().method() == InitialLoad.COPY
            ? LoadView.of(load.plan())
            : LoadView.NONE;
    if (leader.isEmpty()) {
      return new CaptureView(
          reports.isEmpty() ? "UNKNOWN" : "STANDBY", "", "", -1, "", "", standbys, loadView);
    }
    WorkerStatus w = leader.get();
    Long through = w.appliedSourceMicros().get(0);
    return new CaptureView(
        w.state().name(),
        w.worker(),
        through == null ? "" : Instant.EPOCH.plus(through, ChronoUnit.MICROS).toString(),
        through == null ? -1 : Math.max(0, now.toEpochMilli() * 1_000 - through) / 1e6,
        w.lastError(),
        w.reportedAt().toString(),
        standbys,
        loadView);
  }

  /** One group, or empty when the pipeline has no such group. */
  @Override
  public Optional<GroupView> group(String name) {
    return config.groups().stream()
        .filter(g -> g.name().equals(name))
        .findFirst()
        .map(g -> view(g, endOffsets(List.of(g)).getOrDefault(g.name(), Map.of())));
  }

  /**
   * Pauses a group; false when it was already paused (nothing changes, nothing is audited).
   *
   * @throws IllegalArgumentException for a group the pipeline does not have
   */
  @Override
  public boolean pause(String group, String reason, String by) {
    return control.set(known(group), DesiredState.PAUSED, reason, by);
  }

  /** Resumes a group; false when it was running already. */
  @Override
  public boolean resume(String group, String by) {
    return control.set(known(group), DesiredState.RUNNING, "", by);
  }

  /** Closes the Kafka admin client, and the DynamoDB client when it is this view's own. */
  @Override
  public synchronized void close() {
    if (kafka != null) {
      kafka.close(Duration.ofSeconds(2));
    }
    owned.ifPresent(DynamoDbClient::close);
  }

  /** Whether the pipeline has a group of that name; reads nothing. */
  @Override
  public boolean failover(String region, String reason, String by) {
    if (!config.region().twoRegions()) {
      throw new IllegalArgumentException(
          "pipeline "
              + config.name()
              + " runs in one region: set region.name and region.primary in each region's"
              + " configuration to run it in two");
    }
    return regions.set(region, reason, by);
  }

  @Override
  public Optional<String> activeRegion() {
    if (!config.region().twoRegions()) {
      return Optional.empty();
    }
    return Optional.of(
        regions.get().map(ActiveRegion::region).orElse(config.region().primary().orElseThrow()));
  }

  @Override
  public String pipeline() {
    return config.name();
  }

  @Override
  public boolean hasGroup(String group) {
    return config.groups().stream().anyMatch(g -> g.name().equals(group));
  }

  private String known(String group) {
    if (!hasGroup(group)) {
      throw new IllegalArgumentException(
          "pipeline "
              + config.name()
              + " has no group '"
              + group
              + "'; its groups: "
              + String.join(", ", config.groups().stream().map(GroupConfig::name).toList()));
    }
    return group;
  }

  private GroupView view(GroupConfig g, Map<Integer, Long> ends) {
    Instant now = clock.instant();
    GroupControl desired = control.get(g.name());
    List<WorkerStatus> workers = control.workers(g.name());
    Map<Integer, Lease> leaseOf = new HashMap<>();
    leases.list(g.name()).forEach(l -> leaseOf.put(l.partition(), l));
    Map<Integer, ApplyCheckpoint> cps = checkpoints.load(g.name());
    GroupBacklog backlog = GroupBacklog.of(g.name(), GroupBacklog.allPartitions(g), ends, cps);
    Map<Integer, Long> appliedMicros = new HashMap<>();
    workers.forEach(
        w -> w.appliedSourceMicros().forEach((p, us) -> appliedMicros.merge(p, us, Math::max)));
    List<GroupView.Partition> partitions = new ArrayList<>();
    for (GroupBacklog.Partition bp : backlog.partitions()) {
      int p = bp.partition();
      Lease lease = leaseOf.get(p);
      boolean held = lease != null && lease.heldAt(now);
      ApplyCheckpoint cp = cps.get(p);
      long lagEvents = bp.backlog();
      // Seconds since the source commit the partition is applied up to (heartbeats move it on an
      // idle source), as the lag metric counts them: it grows while changes wait, in Kafka or
      // still in the source because capture does not run.
      double lagSeconds =
          appliedMicros.containsKey(p)
              ? Math.max(0, now.toEpochMilli() * 1_000 - appliedMicros.get(p)) / 1e6
              : lagEvents == 0 ? 0 : -1;
      partitions.add(
          new GroupView.Partition(
              p,
              held ? lease.owner() : "",
              lease == null ? 0 : lease.epoch(),
              held ? lease.expiresAt().toString() : "",
              bp.nextOffset(),
              cp == null ? "" : new Lsn(cp.lsn()).toString(),
              bp.endOffset(),
              lagEvents,
              lagSeconds));
    }
    List<GroupView.Worker> workerViews =
        workers.stream()
            .filter(w -> w.state() != WorkerStatus.ActualState.STOPPED)
            .filter(w -> !gone(w, now))
            .map(
                w ->
                    new GroupView.Worker(
                        w.worker(),
                        stale(w, now) ? "UNREACHABLE" : w.state().name(),
                        w.partitions(),
                        w.lastError(),
                        w.reportedAt().toString()))
            .toList();
    // The error of a worker that halts or retries now, not one an earlier process left behind.
    String lastError =
        workers.stream()
            .filter(w -> !stale(w, now))
            .filter(
                w ->
                    w.state() == WorkerStatus.ActualState.HALTED
                        || w.state() == WorkerStatus.ActualState.RETRYING)
            .map(WorkerStatus::lastError)
            .filter(e -> !e.isEmpty())
            .findFirst()
            .orElse("");
    return new GroupView(
        g.name(),
        desired.desired().name(),
        desired.reason(),
        desired.by(),
        desired.at() == null ? "" : desired.at().toString(),
        GroupState.of(
                desired,
                workers.stream()
                    .filter(w -> w.state() != WorkerStatus.ActualState.STOPPED)
                    .filter(w -> !stale(w, now))
                    .map(WorkerStatus::state)
                    .toList())
            .name(),
        workerViews,
        partitions,
        lastError);
  }

  /** A worker that has not reported for three lease timeouts is presumed unreachable. */
  private boolean stale(WorkerStatus w, Instant now) {
    Duration silence = Duration.between(w.reportedAt(), now);
    return silence.compareTo(config.apply().leaseTimeout().multipliedBy(3)) > 0;
  }

  /**
   * A worker silent for {@value #GONE_AFTER_LEASES} lease timeouts is gone (its process ended
   * without reporting its stop, or another identity replaced it): no longer listed.
   */
  private boolean gone(WorkerStatus w, Instant now) {
    Duration silence = Duration.between(w.reportedAt(), now);
    return silence.compareTo(config.apply().leaseTimeout().multipliedBy(GONE_AFTER_LEASES)) > 0;
  }

  private static final int GONE_AFTER_LEASES = 20;

  /** The end offset of every partition of the groups' topics, by group; empty where unknown. */
  private Map<String, Map<Integer, Long>> endOffsets(List<GroupConfig> groups) {
    Map<GroupConfig, List<Integer>> partitions = new LinkedHashMap<>();
    groups.forEach(g -> partitions.put(g, GroupBacklog.allPartitions(g)));
    try {
      // a topic may not exist yet (capture never ran): that group's backlog is unknown
      return GroupBacklog.endOffsets(kafka(), config, partitions, Duration.ofSeconds(10)).byGroup();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }
}
