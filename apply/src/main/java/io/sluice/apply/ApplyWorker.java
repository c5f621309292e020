package io.sluice.apply;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.sluice.apply.internal.DeadLetters;
import io.sluice.apply.internal.PartitionApplier;
import io.sluice.apply.internal.PostgresBatchWriter;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ControlPlane;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.GroupControl;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.checkpoint.WorkerStatus;
import io.sluice.core.MetricNames;
import io.sluice.core.config.BadDataPolicy;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.Sleeper;
import io.sluice.core.schema.TableId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Applies one table group: every partition of the group's topic that this worker holds the lease
 * of, each on its own thread and consumer, from its checkpoint. A partition reduces each batch to
 * the newest change per row, writes it in one target transaction, and only then stores its
 * checkpoint in DynamoDB, conditional on still holding the lease (and commits the Kafka offset, for
 * lag tooling). Keys never span partitions, so per-key order holds.
 *
 * <p>Several workers may share a group: each partition is applied by the one worker holding its
 * lease; the others stand by and take it over when the lease expires (a worker died or stalled). A
 * worker whose checkpoint write is refused because it lost the lease stops touching that partition.
 * The worker reads its group's desired state every {@code apply.control-poll}: while the group is
 * paused its partitions stop at a batch boundary, checkpoints written, keep their leases, and
 * continue from those checkpoints on resume. It reports its actual state for {@code sluice ctl
 * status}.
 *
 * <p>When one partition stops on an error the whole worker halts at batch boundaries and the error
 * is reported through {@link #failure()}. A stopped worker never skips a batch.
 */
public final class ApplyWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApplyWorker.class);

  private final PipelineConfig config;
  private final GroupConfig group;
  private final ControlPlane control;
  private final MeterRegistry meters;
  private final ApplyStats stats = new ApplyStats();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<KafkaConsumer<ByteBuffer, ByteBuffer>> consumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Map<Integer, WorkerStatus.ActualState> partitionStates = new ConcurrentHashMap<>();
  private final AtomicLong leaseLosses = new AtomicLong();
  private final Map<Integer, Long> appliedSourceMicros = new ConcurrentHashMap<>();
  private volatile GroupControl desired;
  private volatile Instant pausedSince;
  private Admin offsetReader;
  private CountDownLatch stopped;
  private HikariDataSource target;
  private DeadLetters deadLetters;
  private ScheduledExecutorService controlReader;
  private final List<Meter> gauges = new ArrayList<>();
  private final Map<Integer, List<Meter>> partitionGauges = new HashMap<>();
  private final Map<TableId, Set<Integer>> tablePartitions = new ConcurrentHashMap<>();
  private final Map<Integer, Long> backlogs = new ConcurrentHashMap<>();
  private final AtomicBoolean topicSeen = new AtomicBoolean();
  private final AtomicBoolean topicMissingLogged = new AtomicBoolean();

  /** Partitions whose lease could not be read or taken, and why; DynamoDB away. */
  private final Map<Integer, String> leaseProblems = new ConcurrentHashMap<>();

  private final List<PartitionApplier> appliers = new ArrayList<>();
  private volatile double retentionSeconds = Double.NaN;
  private volatile double deadLetterRecords;
  private volatile Instant lastControlRead;
  private volatile String kafkaProblem;
  private long nextDeadLetterRead;

  public ApplyWorker(PipelineConfig config, GroupConfig group, ControlPlane control) {
    this(config, group, control, Metrics.globalRegistry);
  }

  public ApplyWorker(
      PipelineConfig config, GroupConfig group, ControlPlane control, MeterRegistry meters) {
    this.config = config;
    this.group = group;
    this.control = control;
    this.meters = meters;
  }

  public synchronized void start() {
    if (stopped != null) {
      throw new IllegalStateException("apply worker of group " + group.name() + " already started");
    }
    String topic = config.topicOf(group);
    target = new HikariDataSource(hikariConfig());
    if (config.badDataPolicy(group) == BadDataPolicy.DEAD_LETTER) {
      deadLetters = new DeadLetters(GroupConfig.deadLetterTopic(topic), clientProperties());
      deadLetters.ensureTopic(config.kafka().replicationFactor());
    }
    desired = control.control().get(group.name());
    offsetReader = Admin.create(clientProperties());
    pausedSince = desired.paused() ? control.clock().instant() : null;
    lastControlRead = control.clock().instant();
    retentionSeconds = retentionSeconds(topic);
    registerMeters();
    controlReader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-control-" + group.name());
              t.setDaemon(true);
              return t;
            });
    long poll = control.controlPoll().toMillis();
    controlReader.scheduleWithFixedDelay(this::readControl, poll, poll, TimeUnit.MILLISECONDS);
    PostgresBatchWriter writer = new PostgresBatchWriter();
    stopped = new CountDownLatch(group.partitions());
    running.set(true);
    for (int p = 0; p < group.partitions(); p++) {
      KafkaConsumer<ByteBuffer, ByteBuffer> consumer = new KafkaConsumer<>(consumerProperties(p));
      PartitionApplier applier =
          new PartitionApplier(
              new PartitionApplier.Setup(
                  group.name(),
                  topic,
                  p,
                  config.apply().batchLinger(),
                  target,
                  writer,
                  control.checkpoints(),
                  control.clock(),
                  new Retrier(
                      Backoff.DEFAULT, ErrorClassifier::classify, Sleeper.SYSTEM, control.clock()),
                  config.truncatePolicy(group),
                  config.badDataPolicy(group),
                  Optional.ofNullable(deadLetters),
                  meters,
                  this::applied));
      appliers.add(applier);
      int partition = p;
      partitionStates.put(p, WorkerStatus.ActualState.STANDBY);
      Thread t =
          new Thread(
              () -> runPartition(applier, consumer, partition),
              "sluice-apply-" + group.name() + "-" + p);
      t.setDaemon(true);
      consumers.add(consumer);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    log.info(
        "apply worker {} of group {} started on {} ({} partitions{})",
        control.workerId(),
        group.name(),
        topic,
        group.partitions(),
        desired.paused() ? ", group paused" : "");
  }

  /**
   * One partition: take its lease, apply it while the group runs, stop at a batch boundary while it
   * is paused, and stop touching it once the lease is lost.
   */
  private void runPartition(
      PartitionApplier applier, KafkaConsumer<ByteBuffer, ByteBuffer> consumer, int partition) {
    MDC.put("group", group.name());
    MDC.put("partition", Integer.toString(partition));
    MDC.put("worker", control.workerId());
    AtomicReference<Lease> lease = new AtomicReference<>();
    try {
      while (running.get()) {
        if (!topicExists()) {
          partitionStates.put(partition, WorkerStatus.ActualState.STANDBY);
          waitForNextTry();
          continue;
        }
        if (lease.get() == null) {
          Optional<Lease> acquired;
          try {
            acquired = control.leases().tryAcquire(group.name(), partition, control.workerId());
            leaseProblems.remove(partition);
          } catch (SdkException e) {
            log.warn("could not take the lease of partition {}: {}", partition, e.getMessage());
            leaseProblems.put(
                partition,
                "cannot take the lease of partition "
                    + partition
                    + " (DynamoDB): "
                    + ErrorClassifier.describe(e));
            acquired = Optional.empty();
          }
          if (acquired.isEmpty()) {
            partitionStates.put(partition, WorkerStatus.ActualState.STANDBY);
            waitForNextTry();
            continue;
          }
          lease.set(acquired.get());
          MDC.put("lease_epoch", Long.toString(acquired.get().epoch()));
          log.info(
              "worker {} owns partition {} of group {} (lease epoch {})",
              control.workerId(),
              partition,
              group.name(),
              acquired.get().epoch());
        }
        try {
          if (desired.paused()) {
            partitionStates.put(partition, WorkerStatus.ActualState.PAUSED);
            renewIfDue(lease);
            waitForNextTry();
            continue;
          }
          partitionStates.put(partition, WorkerStatus.ActualState.RUNNING);
          applier.run(
              () -> running.get() && !desired.paused() && renewIfDue(lease),
              () -> running.get() && renewIfDue(lease),
              consumer,
              lease::get);
        } catch (LeaseLostException lost) {
          leaseLosses.incrementAndGet();
          log.warn(
              "worker {} lost partition {} of group {}; it stops touching it: {}",
              control.workerId(),
              partition,
              group.name(),
              lost.getMessage());
          lease.set(null);
          // not ready until the lease is taken again or another worker is seen to hold it
          leaseProblems.put(
              partition, "lost the lease of partition " + partition + ": " + lost.getMessage());
          appliedSourceMicros.remove(partition);
          MDC.remove("lease_epoch");
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // asked to stop while waiting (a poll, a retry)
      if (running.get()) {
        fail(e);
      }
    } catch (Throwable t) {
      fail(t);
      // the full cause, once: the halt's message alone may not say where it came from
      log.error(
          "apply of group {} halted at partition {}: {}",
          group.name(),
          partition,
          t.getMessage(),
          t);
    } finally {
      partitionStates.put(
          partition,
          failure.get() != null
              ? WorkerStatus.ActualState.HALTED
              : WorkerStatus.ActualState.STOPPED);
      if (lease.get() != null) {
        try {
          control.leases().release(lease.get());
        } catch (RuntimeException e) {
          // it expires on its own
          log.warn("could not release the lease of partition {}: {}", partition, e.toString());
        }
      }
      consumer.close();
      stopped.countDown();
      MDC.clear();
    }
  }

  /**
   * Whether the group's topic exists. Capture creates it with the group's partition count as it
   * starts; until then (capture not started yet, or halted before it could) the partitions wait
   * here, with one log line, instead of a consumer asking Kafka for an unknown topic every second.
   */
  private boolean topicExists() {
    if (topicSeen.get()) {
      return true;
    }
    String topic = config.topicOf(group);
    try {
      offsetReader.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
      if (!topicSeen.getAndSet(true) && Double.isNaN(retentionSeconds)) {
        retentionSeconds = retentionSeconds(topic);
      }
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException
          && !topicMissingLogged.getAndSet(true)) {
        log.info(
            "topic {} of group {} does not exist yet: capture creates it when it starts;"
                + " apply waits for it",
            topic,
            group.name());
      }
      return false;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Renews the lease when due ({@link io.sluice.checkpoint.LeaseStore#renewIfDue}); true. */
  private boolean renewIfDue(AtomicReference<Lease> lease) {
    lease.set(control.leases().renewIfDue(lease.get()));
    return true;
  }

  private void waitForNextTry() throws InterruptedException {
    long millis = Math.max(10, control.controlPoll().toMillis());
    synchronized (running) {
      if (running.get()) {
        running.wait(millis);
      }
    }
  }

  /** Reads the group's desired state and reports this worker's actual state. */
  private void readControl() {
    try {
      GroupControl now = control.control().get(group.name());
      if (now.paused() != desired.paused()) {
        log.info(
            "group {} {} by {}{}",
            group.name(),
            now.paused() ? "paused" : "resumed",
            now.by(),
            now.reason().isEmpty() ? "" : ": " + now.reason());
        pausedSince = now.paused() ? control.clock().instant() : null;
      }
      desired = now;
      lastControlRead = control.clock().instant();
      WorkerStatus status = status();
      control.control().report(status);
      readBacklogs(status.partitions());
      readDeadLetters();
      syncPartitionMeters(status.partitions());
    } catch (RuntimeException e) {
      // Keep the last known state: apply goes on or stays paused as it was, and tries again.
      log.warn("could not read the control state of group {}: {}", group.name(), e.toString());
    }
  }

  /** Changes in each owned partition past its checkpoint. */
  private void readBacklogs(List<Integer> owned) {
    backlogs.keySet().retainAll(owned);
    if (owned.isEmpty()) {
      return;
    }
    Map<Integer, ApplyCheckpoint> checkpoints = control.checkpoints().load(group.name());
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    owned.forEach(
        p -> latest.put(new TopicPartition(config.topicOf(group), p), OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> ends;
    try {
      ends = offsetReader.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      kafkaProblem = null;
    } catch (ExecutionException | TimeoutException e) {
      kafkaProblem = "cannot read end offsets from Kafka: " + e;
      log.warn("could not read the end offsets of group {}: {}", group.name(), e.toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    for (Map.Entry<TopicPartition, ListOffsetsResultInfo> end : ends.entrySet()) {
      ApplyCheckpoint cp = checkpoints.get(end.getKey().partition());
      backlogs.put(
          end.getKey().partition(),
          Math.max(0, end.getValue().offset() - (cp == null ? 0 : cp.nextOffset())));
    }
  }

  /** Records held in the dead-letter topic, read every fifth control poll. */
  private void readDeadLetters() {
    long now = System.currentTimeMillis();
    if (deadLetters == null || now < nextDeadLetterRead) {
      return;
    }
    nextDeadLetterRead = now + 5 * control.controlPoll().toMillis();
    TopicPartition dlq = new TopicPartition(deadLetters.topic(), 0);
    try {
      deadLetterRecords =
          Math.max(0, offset(dlq, OffsetSpec.latest()) - offset(dlq, OffsetSpec.earliest()));
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not read the offsets of {}: {}", deadLetters.topic(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long offset(TopicPartition tp, OffsetSpec spec)
      throws ExecutionException, TimeoutException, InterruptedException {
    return offsetReader
        .listOffsets(Map.of(tp, spec))
        .all()
        .get(10, TimeUnit.SECONDS)
        .get(tp)
        .offset();
  }

  /** The topic's retention in seconds, +Inf when unlimited, NaN when it could not be read. */
  private double retentionSeconds(String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      ConfigEntry retention =
          offsetReader
              .describeConfigs(List.of(resource))
              .all()
              .get(10, TimeUnit.SECONDS)
              .get(resource)
              .get("retention.ms");
      if (retention == null || retention.value() == null) {
        return Double.NaN;
      }
      long ms = Long.parseLong(retention.value());
      return ms < 0 ? Double.POSITIVE_INFINITY : ms / 1000.0;
    } catch (ExecutionException e) {
      if (!(e.getCause()
          instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
        log.warn("could not read the retention of topic {}: {}", topic, e.toString());
      }
      return Double.NaN; // read again once the topic exists
    } catch (TimeoutException | NumberFormatException e) {
      log.warn("could not read the retention of topic {}: {}", topic, e.toString());
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** A partition committed a batch (or a heartbeat). */
  private void applied(
      int partition, int changes, int records, long throughMicros, Set<TableId> tables) {
    stats.applied(changes, records, throughMicros);
    appliedSourceMicros.merge(partition, throughMicros, Math::max);
    for (TableId t : tables) {
      Set<Integer> carriers = tablePartitions.get(t);
      if (carriers == null) {
        carriers = ConcurrentHashMap.newKeySet();
        Set<Integer> raced = tablePartitions.putIfAbsent(t, carriers);
        if (raced == null) {
          registerTableLag(t);
        } else {
          carriers = raced;
        }
      }
      carriers.add(partition);
    }
  }

  private void registerTableLag(TableId table) {
    Meter m =
        Gauge.builder(MetricNames.APPLY_TABLE_LAG, this, w -> w.tableLagSeconds(table))
            .description(
                "Seconds since the source commit up to which the table's partitions are applied")
            .baseUnit("seconds")
            .tag("group", group.name())
            .tag("table", table.toString())
            .register(meters);
    synchronized (gauges) {
      gauges.add(m);
    }
  }

  /** The largest lag of the owned partitions that carried the table; NaN when there are none. */
  private double tableLagSeconds(TableId table) {
    double lag = Double.NaN;
    for (int p : tablePartitions.getOrDefault(table, Set.of())) {
      double l = lagSeconds(p);
      if (!Double.isNaN(l) && (Double.isNaN(lag) || l > lag)) {
        lag = l;
      }
    }
    return lag;
  }

  /** Seconds since the source commit up to which an owned partition is applied; else NaN. */
  private double lagSeconds(int partition) {
    WorkerStatus.ActualState state = partitionStates.get(partition);
    Long through = appliedSourceMicros.get(partition);
    if (through == null
        || (state != WorkerStatus.ActualState.RUNNING
            && state != WorkerStatus.ActualState.PAUSED)) {
      return Double.NaN;
    }
    long nowMicros = control.clock().millis() * 1_000;
    return Math.max(0, nowMicros - through) / 1_000_000.0;
  }

  /**
   * Keeps a lag and a backlog gauge for each owned partition, and none for the others, so sums over
   * workers count each partition once.
   */
  private void syncPartitionMeters(List<Integer> owned) {
    synchronized (partitionGauges) {
      for (var it = partitionGauges.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!owned.contains(e.getKey()) || !running.get()) {
          e.getValue().forEach(meters::remove);
          it.remove();
        }
      }
      if (!running.get()) {
        return;
      }
      for (int p : owned) {
        if (partitionGauges.containsKey(p) || !appliedSourceMicros.containsKey(p)) {
          continue;
        }
        String partition = Integer.toString(p);
        partitionGauges.put(
            p,
            List.of(
                Gauge.builder(MetricNames.APPLY_LAG, this, w -> w.lagSeconds(p))
                    .description(
                        "Seconds since the source commit up to which the partition is applied")
                    .baseUnit("seconds")
                    .tag("group", group.name())
                    .tag("partition", partition)
                    .register(meters),
                Gauge.builder(MetricNames.APPLY_BACKLOG, this, w -> w.backlogs.getOrDefault(p, 0L))
                    .description("Changes in the partition past its checkpoint")
                    .tag("group", group.name())
                    .tag("partition", partition)
                    .register(meters)));
      }
    }
  }

  /**
   * Why this worker is not ready, if it is not: halted on an error, DynamoDB not read for three
   * control polls (at least 10 s), Kafka not answering, or a partition retrying against a failing
   * target or DynamoDB.
   */
  public Optional<String> notReady() {
    Throwable t = failure.get();
    if (t != null) {
      return Optional.of("group " + group.name() + " halted: " + t.getMessage());
    }
    Duration grace = control.controlPoll().multipliedBy(3);
    if (grace.compareTo(Duration.ofSeconds(10)) < 0) {
      grace = Duration.ofSeconds(10);
    }
    if (lastControlRead.isBefore(control.clock().instant().minus(grace))) {
      return Optional.of(
          "group "
              + group.name()
              + ": control state not read from DynamoDB for "
              + Duration.between(lastControlRead, control.clock().instant()).toSeconds()
              + " s");
    }
    String kafka = kafkaProblem;
    if (kafka != null) {
      return Optional.of("group " + group.name() + ": " + kafka);
    }
    for (PartitionApplier a : appliers) {
      Optional<String> r = a.retrying();
      if (r.isPresent()) {
        return Optional.of("group " + group.name() + ": " + r.get());
      }
    }
    return leaseProblems.values().stream().findFirst().map(p -> "group " + group.name() + ": " + p);
  }

  /** What this worker is doing now. */
  public WorkerStatus status() {
    List<Integer> owned =
        partitionStates.entrySet().stream()
            .filter(
                e ->
                    e.getValue() == WorkerStatus.ActualState.RUNNING
                        || e.getValue() == WorkerStatus.ActualState.PAUSED)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    WorkerStatus.ActualState state;
    Throwable t = failure.get();
    Optional<String> retrying =
        appliers.stream()
            .map(PartitionApplier::retrying)
            .flatMap(Optional::stream)
            .findFirst()
            .or(() -> leaseProblems.values().stream().findFirst());
    if (t != null) {
      state = WorkerStatus.ActualState.HALTED;
    } else if (retrying.isPresent() && running.get()) {
      state = WorkerStatus.ActualState.RETRYING;
    } else if (!running.get()) {
      state = WorkerStatus.ActualState.STOPPED;
    } else if (owned.isEmpty()) {
      state = WorkerStatus.ActualState.STANDBY;
    } else if (owned.stream()
        .allMatch(p -> partitionStates.get(p) == WorkerStatus.ActualState.PAUSED)) {
      state = WorkerStatus.ActualState.PAUSED;
    } else {
      state = WorkerStatus.ActualState.RUNNING;
    }
    return new WorkerStatus(
        group.name(),
        control.workerId(),
        state,
        owned,
        appliedSourceMicros,
        t != null ? t.getMessage() : retrying.orElse(""),
        control.clock().instant());
  }

  private void registerMeters() {
    gauges.add(
        Gauge.builder(MetricNames.APPLY_PAUSED, this, w -> w.desired.paused() ? 1 : 0)
            .description("1 while the group is paused, else 0")
            .tag("group", group.name())
            .register(meters));
    gauges.add(
        Gauge.builder(
                MetricNames.APPLY_PAUSED_DURATION,
                this,
                w -> {
                  Instant since = w.pausedSince;
                  return since == null
                      ? 0
                      : Duration.between(since, w.control.clock().instant()).toMillis() / 1000.0;
                })
            .description("Seconds the group has been paused, 0 while it runs")
            .baseUnit("seconds")
            .tag("group", group.name())
            .register(meters));
    gauges.add(
        Gauge.builder(MetricNames.APPLY_PAUSED_THRESHOLD, this, w -> pausedAlertSeconds())
            .description("Seconds the group may stay paused before its alert fires")
            .baseUnit("seconds")
            .tag("group", group.name())
            .register(meters));
    Map<String, Duration> lagThresholds =
        Map.of("warning", config.lagAlert(group), "critical", config.alerts().lagCritical());
    lagThresholds.forEach(
        (severity, threshold) ->
            gauges.add(
                Gauge.builder(
                        MetricNames.APPLY_LAG_THRESHOLD, threshold, t -> t.toMillis() / 1000.0)
                    .description("Lag past which the group's alert of this severity fires")
                    .baseUnit("seconds")
                    .tag("group", group.name())
                    .tag("severity", severity)
                    .strongReference(true)
                    .register(meters)));
    gauges.add(
        Gauge.builder(MetricNames.APPLY_HALTED, this, w -> w.failure.get() == null ? 0 : 1)
            .description("1 once the group's worker in this process stopped on an error")
            .tag("group", group.name())
            .register(meters));
    gauges.add(
        Gauge.builder(MetricNames.APPLY_PARTITIONS, this, w -> w.group.partitions())
            .description("Partitions of the group's topic")
            .tag("group", group.name())
            .register(meters));
    gauges.add(
        Gauge.builder(MetricNames.APPLY_RETENTION, this, w -> w.retentionSeconds)
            .description("Seconds Kafka keeps the group's changes (+Inf: unlimited)")
            .baseUnit("seconds")
            .tag("group", group.name())
            .register(meters));
    if (deadLetters != null) {
      gauges.add(
          Gauge.builder(MetricNames.APPLY_DEAD_LETTER_RECORDS, this, w -> w.deadLetterRecords)
              .description("Records held in the group's dead-letter topic")
              .tag("group", group.name())
              .register(meters));
    }
    gauges.add(
        Gauge.builder(MetricNames.APPLY_LEASES, this, w -> w.status().partitions().size())
            .description("Partitions of the group whose lease this worker holds")
            .tag("group", group.name())
            .register(meters));
  }

  private double pausedAlertSeconds() {
    return config.pausedAlert(group).toMillis() / 1000.0;
  }

  /** Records the first failure and stops the other partitions at their batch boundaries. */
  private void fail(Throwable t) {
    failure.compareAndSet(null, t);
    running.set(false);
  }

  public ApplyStats stats() {
    return stats;
  }

  public GroupConfig group() {
    return group;
  }

  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  public boolean isRunning() {
    return stopped != null && stopped.getCount() > 0;
  }

  /** Times this worker lost a partition's lease to another worker. */
  public long leaseLosses() {
    return leaseLosses.get();
  }

  private HikariConfig hikariConfig() {
    HikariConfig h = new HikariConfig();
    h.setJdbcUrl(config.target().jdbcUrl());
    h.setUsername(config.target().user());
    h.setPassword(config.target().password().value());
    // Each partition holds at most one connection at a time.
    h.setMaximumPoolSize(config.targetPoolSize(group));
    h.setPoolName("sluice-target-" + group.name());
    h.setAutoCommit(true);
    // money is written in the C locale, in which capture reads it: its cents arrive unchanged
    // whatever lc_monetary the target has.
    h.addDataSourceProperty("options", "-c lc_monetary=C");
    // A connection the pool cannot open within this fails the attempt, which apply retries with
    // backoff and reports (readiness, status, errors metric): a target that is away shows at once.
    h.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    // Start even while the target is away (a pod started during a failover): the first write
    // waits for it, as every later one does.
    h.setInitializationFailTimeout(-1);
    return h;
  }

  private Properties clientProperties() {
    Properties p = new Properties();
    p.putAll(config.kafka().properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    return p;
  }

  private Properties consumerProperties(int partition) {
    Properties p = clientProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sluice-apply-" + config.name() + "-" + group.name());
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        "sluice-apply-" + config.name() + "-" + group.name() + "-" + partition);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    // Capture creates each group's topic with its partition count; a topic made by a consumer
    // that started first would have the broker's default count, and capture would refuse it.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.apply().batchRows()));
    // A batch never holds more than these bytes (one oversized change still gets through alone).
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(config.apply().batchBytes()));
    p.put(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        Integer.toString(config.apply().batchBytes()));
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "262144");
    p.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        Long.toString(config.apply().batchLinger().toMillis()));
    // Values are decoded where the consumer holds them (no copy per record); keys are not read.
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
    return p;
  }

  /** Stops after the batches in flight; their checkpoints are written if they committed. */
  @Override
  public void close() {
    synchronized (this) {
      if (stopped == null) {
        return;
      }
      running.set(false);
    }
    synchronized (running) {
      running.notifyAll();
    }
    controlReader.shutdownNow();
    try {
      controlReader.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    offsetReader.close();
    // A worker started later in this process registers its own.
    synchronized (gauges) {
      gauges.forEach(meters::remove);
    }
    syncPartitionMeters(List.of());
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        consumers.forEach(KafkaConsumer::wakeup);
        stopped.await(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        control.control().report(status());
      } catch (RuntimeException e) {
        log.warn("could not report the stop of worker {}: {}", control.workerId(), e.toString());
      }
      target.close();
      if (deadLetters != null) {
        deadLetters.close();
      }
    }
  }
}
