package io.sluice.apply;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.apply.internal.ApplyClients;
import io.sluice.apply.internal.ControlPoller;
import io.sluice.apply.internal.DeadLetters;
import io.sluice.apply.internal.LoadGate;
import io.sluice.apply.internal.PartitionApplier;
import io.sluice.apply.internal.PartitionBalance;
import io.sluice.apply.internal.PartitionLeaseLoop;
import io.sluice.apply.internal.PartitionStates;
import io.sluice.apply.internal.PostgresBatchWriter;
import io.sluice.apply.internal.TopicOffsets;
import io.sluice.checkpoint.ControlPlane;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.WorkerStatus;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import io.sluice.core.config.BadDataPolicy;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.Sleeper;
import io.sluice.core.schema.TableId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
  private final ApplyMetrics metrics;
  private final ApplyStats stats = new ApplyStats();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final PartitionStates partitions = new PartitionStates();
  private PartitionBalance balance;
  private final LoadGate loadGate;
  private final List<KafkaConsumer<ByteBuffer, ByteBuffer>> consumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<PartitionApplier> appliers = new ArrayList<>();
  private CountDownLatch stopped;
  private HikariDataSource target;
  private DeadLetters deadLetters;
  private TopicOffsets offsets;
  private ControlPoller poller;

  public ApplyWorker(
      PipelineConfig config, GroupConfig group, ControlPlane control, MeterRegistry meters) {
    this.config = config;
    this.group = group;
    this.control = control;
    this.metrics = new ApplyMetrics(meters, group.name());
    this.loadGate = new LoadGate(config, group.name(), control.load());
  }

  public synchronized void start() {
    if (stopped != null) {
      throw new IllegalStateException("apply worker of group " + group.name() + " already started");
    }
    String topic = config.topicOf(group);
    ApplyClients clients = new ApplyClients(config, group);
    target = clients.target();
    if (config.badDataPolicy(group) == BadDataPolicy.DEAD_LETTER) {
      deadLetters = new DeadLetters(GroupConfig.deadLetterTopic(topic), clients.producerBase());
      deadLetters.ensureTopic(config.kafka().replicationFactor());
    }
    poller =
        new ControlPoller(group.name(), control.control(), control.clock(), control.controlPoll());
    balance = new PartitionBalance(group.partitions());
    // a worker joining a running group takes no more than its share from the start
    balance.workersSeen(poller.readLiveWorkers(control.workerId()));
    offsets =
        new TopicOffsets(
            clients.admin(),
            config,
            group,
            Optional.ofNullable(deadLetters).map(DeadLetters::topic),
            control.clock(),
            control.controlPoll().multipliedBy(5));
    metrics.bind(
        new GroupView(),
        group.partitions(),
        new ApplyMetrics.Thresholds(
            config.lagAlert(group), config.alerts().lagCritical(), config.pausedAlert(group)),
        deadLetters != null);
    poller.start(this::readControl);
    PostgresBatchWriter writer = new PostgresBatchWriter();
    stopped = new CountDownLatch(group.partitions());
    running.set(true);
    for (int p = 0; p < group.partitions(); p++) {
      KafkaConsumer<ByteBuffer, ByteBuffer> consumer = clients.consumer(p);
      PartitionApplier applier =
          new PartitionApplier(
              new PartitionApplier.Setup(
                  group.name(),
                  topic,
                  p,
                  config.apply().batchLinger(),
                  config.apply().checkpointInterval(),
                  target,
                  writer,
                  control.checkpoints(),
                  control.clock(),
                  new Retrier(
                      Backoff.DEFAULT, ErrorClassifier::classify, Sleeper.SYSTEM, control.clock()),
                  config.truncatePolicy(group),
                  Optional.ofNullable(deadLetters),
                  metrics,
                  this::applied,
                  partition -> loadGate.streamStart(topic, partition)));
      appliers.add(applier);
      int partition = p;
      partitions.state(p, ActualState.STANDBY);
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
        poller.desired().paused() ? ", group paused" : "");
  }

  /** One partition's thread: its lease loop, then the report of how it ended. */
  private void runPartition(
      PartitionApplier applier, KafkaConsumer<ByteBuffer, ByteBuffer> consumer, int partition) {
    MDC.put("group", group.name());
    MDC.put("partition", Integer.toString(partition));
    MDC.put("worker", control.workerId());
    PartitionLeaseLoop loop =
        new PartitionLeaseLoop(
            group.name(),
            partition,
            control.workerId(),
            control.leases(),
            poller::desired,
            () -> offsets.topicExists() && loadGate.open(),
            running::get,
            this::waitForNextTry,
            partitions,
            balance);
    try {
      loop.run(
          (beforePoll, whileRetrying, lease) ->
              applier.run(beforePoll, whileRetrying, consumer, lease));
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
      partitions.state(partition, failure.get() != null ? ActualState.HALTED : ActualState.STOPPED);
      consumer.close();
      stopped.countDown();
      MDC.clear();
    }
  }

  private void waitForNextTry() throws InterruptedException {
    long millis = Math.max(10, control.controlPoll().toMillis());
    synchronized (running) {
      if (running.get()) {
        running.wait(millis);
      }
    }
  }

  /** Reads the group's desired state, reports this worker's, and reads the topic's offsets. */
  private void readControl() {
    WorkerStatus status = status();
    if (!poller.read(status)) {
      return;
    }
    balance.workersSeen(poller.liveWorkers());
    try {
      offsets.readBacklogs(status.partitions(), control.checkpoints().load(group.name()));
      offsets.readDeadLetters();
      metrics.ownedPartitions(
          running.get() ? status.partitions() : List.of(), partitions.applied());
    } catch (RuntimeException e) {
      log.warn("could not read the progress of group {}: {}", group.name(), e.toString());
    }
  }

  /** A partition committed a batch (or a heartbeat). */
  private void applied(
      int partition, int changes, int records, long throughMicros, Set<TableId> tables) {
    stats.applied(changes, records, throughMicros);
    partitions.applied(partition, throughMicros);
    metrics.carried(partition, tables);
  }

  /** What the group's gauges read. */
  private final class GroupView implements ApplyMetrics.Group {
    @Override
    public boolean paused() {
      return poller.desired().paused();
    }

    @Override
    public double pausedSeconds() {
      return poller.pausedSeconds();
    }

    @Override
    public boolean halted() {
      return failure.get() != null;
    }

    @Override
    public int leases() {
      return status().partitions().size();
    }

    @Override
    public double retentionSeconds() {
      return offsets.retentionSeconds();
    }

    @Override
    public double deadLetterRecords() {
      return offsets.deadLetterRecords();
    }

    @Override
    public double lagSeconds(int partition) {
      return partitions.lagSeconds(partition, control.clock().millis() * 1_000);
    }

    @Override
    public long backlog(int partition) {
      return offsets.backlog(partition);
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
    return poller
        .stale()
        .or(offsets::problem)
        .or(this::retrying)
        .map(p -> "group " + group.name() + ": " + p);
  }

  /** What keeps a partition from applying: a failing target or DynamoDB, or its lease. */
  private Optional<String> retrying() {
    return appliers.stream()
        .map(PartitionApplier::retrying)
        .flatMap(Optional::stream)
        .findFirst()
        .or(partitions::leaseProblem);
  }

  /** What this worker is doing now. */
  public WorkerStatus status() {
    List<Integer> owned = partitions.owned();
    ActualState state;
    Throwable t = failure.get();
    Optional<String> retrying = retrying();
    if (t != null) {
      state = ActualState.HALTED;
    } else if (retrying.isPresent() && running.get()) {
      state = ActualState.RETRYING;
    } else if (!running.get()) {
      state = ActualState.STOPPED;
    } else if (owned.isEmpty()) {
      state = ActualState.STANDBY;
    } else if (partitions.allOwnedPaused()) {
      state = ActualState.PAUSED;
    } else {
      state = ActualState.RUNNING;
    }
    return new WorkerStatus(
        group.name(),
        control.workerId(),
        state,
        owned,
        partitions.appliedSourceMicros(),
        t != null ? t.getMessage() : retrying.orElse(""),
        control.clock().instant());
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
    return partitions.leaseLosses();
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
    poller.close();
    offsets.close();
    // A worker started later in this process registers its own.
    metrics.close();
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        consumers.forEach(KafkaConsumer::wakeup);
        stopped.await(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        poller.report(status());
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
