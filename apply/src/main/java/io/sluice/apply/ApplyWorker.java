package io.sluice.apply;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.sluice.apply.internal.DeadLetters;
import io.sluice.apply.internal.PartitionApplier;
import io.sluice.apply.internal.PostgresBatchWriter;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.core.config.BadDataPolicy;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies one table group: every partition of the group's topic in parallel, each on its own thread
 * and consumer, from its checkpoint. A partition reduces each batch to the newest change per row,
 * writes it in one target transaction, and only then stores its checkpoint in DynamoDB (and commits
 * the Kafka offset, for lag tooling). Keys never span partitions, so per-key order holds.
 *
 * <p>When one partition stops on an error the whole group halts at batch boundaries and the error
 * is reported through {@link #failure()}. A stopped worker never skips a batch.
 */
public final class ApplyWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApplyWorker.class);

  private final PipelineConfig config;
  private final GroupConfig group;
  private final ApplyCheckpointStore checkpoints;
  private final MeterRegistry meters;
  private final ApplyStats stats = new ApplyStats();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<KafkaConsumer<ByteBuffer, ByteBuffer>> consumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private CountDownLatch stopped;
  private HikariDataSource target;
  private DeadLetters deadLetters;

  public ApplyWorker(PipelineConfig config, GroupConfig group, ApplyCheckpointStore checkpoints) {
    this(config, group, checkpoints, Metrics.globalRegistry);
  }

  public ApplyWorker(
      PipelineConfig config,
      GroupConfig group,
      ApplyCheckpointStore checkpoints,
      MeterRegistry meters) {
    this.config = config;
    this.group = group;
    this.checkpoints = checkpoints;
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
                  checkpoints,
                  config.truncatePolicy(group),
                  config.badDataPolicy(group),
                  Optional.ofNullable(deadLetters),
                  meters,
                  (partition, changes, newest) -> stats.applied(changes, newest)));
      int partition = p;
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
        "apply of group {} started on {} partitions of {}",
        group.name(),
        group.partitions(),
        topic);
  }

  private void runPartition(
      PartitionApplier applier, KafkaConsumer<ByteBuffer, ByteBuffer> consumer, int partition) {
    MDC.put("group", group.name());
    MDC.put("partition", Integer.toString(partition));
    try {
      applier.run(running::get, consumer);
    } catch (WakeupException e) {
      if (running.get()) {
        fail(e);
      }
    } catch (Throwable t) {
      fail(t);
      log.error("apply of group {} halted: {}", group.name(), t.getMessage());
    } finally {
      consumer.close();
      stopped.countDown();
      MDC.clear();
    }
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

  private HikariConfig hikariConfig() {
    HikariConfig h = new HikariConfig();
    h.setJdbcUrl(config.target().jdbcUrl());
    h.setUsername(config.target().user());
    h.setPassword(config.target().password().value());
    // Each partition holds at most one connection at a time.
    h.setMaximumPoolSize(Math.max(config.target().poolSize(), group.partitions()));
    h.setPoolName("sluice-target-" + group.name());
    h.setAutoCommit(true);
    h.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
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
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        consumers.forEach(KafkaConsumer::wakeup);
        stopped.await(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      target.close();
      if (deadLetters != null) {
        deadLetters.close();
      }
    }
  }
}
