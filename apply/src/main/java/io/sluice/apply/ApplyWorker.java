package io.sluice.apply;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.apply.internal.BatchReducer;
import io.sluice.apply.internal.KeyedChange;
import io.sluice.apply.internal.PostgresBatchWriter;
import io.sluice.apply.internal.SqlStateClassifier;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.core.SluiceException;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies one table group: consumes every partition of the group's topic from its checkpoint,
 * reduces each batch to the newest change per row, writes it in one target transaction, and only
 * then stores the checkpoint in DynamoDB (and commits the Kafka offsets, for lag tooling).
 *
 * <p>Retriable target errors are retried with backoff; any other error stops the worker, which
 * reports it through {@link #failure()}. A stopped worker never skips a batch.
 */
public final class ApplyWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApplyWorker.class);
  private static final int MAX_ATTEMPTS = 8;

  private final PipelineConfig config;
  private final GroupConfig group;
  private final ApplyCheckpointStore checkpoints;
  private final ChangeEventCodec codec = new ChangeEventCodec();
  private final PostgresBatchWriter writer = new PostgresBatchWriter();
  private final ApplyStats stats = new ApplyStats();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private KafkaConsumer<byte[], byte[]> consumer;
  private HikariDataSource target;
  private Thread thread;

  public ApplyWorker(PipelineConfig config, GroupConfig group, ApplyCheckpointStore checkpoints) {
    this.config = config;
    this.group = group;
    this.checkpoints = checkpoints;
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("apply worker of group " + group.name() + " already started");
    }
    target = new HikariDataSource(hikariConfig());
    consumer = new KafkaConsumer<>(consumerProperties());
    running.set(true);
    thread = new Thread(this::run, "sluice-apply-" + group.name());
    thread.setDaemon(true);
    thread.start();
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
    return thread != null && stopped.getCount() > 0;
  }

  private void run() {
    MDC.put("group", group.name());
    String topic = config.topicOf(group);
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < group.partitions(); p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      Map<Integer, ApplyCheckpoint> stored = checkpoints.load(group.name());
      for (TopicPartition tp : partitions) {
        ApplyCheckpoint cp = stored.get(tp.partition());
        if (cp == null) {
          consumer.seekToBeginning(List.of(tp));
        } else {
          consumer.seek(tp, cp.nextOffset());
        }
      }
      log.info(
          "apply of group {} started on {} partitions of {} ({} from checkpoints)",
          group.name(),
          partitions.size(),
          topic,
          stored.size());
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(config.apply().batchLinger());
        if (!records.isEmpty()) {
          applyBatch(records);
        }
      }
    } catch (WakeupException e) {
      if (running.get()) {
        failure.compareAndSet(null, e);
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
      log.error("apply of group {} stopped: {}", group.name(), t.getMessage(), t);
    } finally {
      running.set(false);
      consumer.close();
      stopped.countDown();
      MDC.clear();
    }
  }

  private void applyBatch(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    List<KeyedChange> changes = new ArrayList<>(records.count());
    Map<Integer, Long> nextOffsets = new HashMap<>();
    Map<Integer, Long> lsns = new HashMap<>();
    long newestSource = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      KeyedChange kc = new KeyedChange(codec.decode(r.value()), r.partition(), r.offset());
      changes.add(kc);
      nextOffsets.merge(r.partition(), r.offset() + 1, Math::max);
      lsns.merge(r.partition(), kc.event().lsn(), Math::max);
      newestSource = Math.max(newestSource, kc.event().sourceTsMicros());
    }
    Map<TableId, BatchReducer.TableBatch> reduced = BatchReducer.reduce(changes);
    writeWithRetry(reduced);
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
      checkpoints.save(
          new ApplyCheckpoint(group.name(), e.getKey(), e.getValue(), lsns.get(e.getKey())));
      commits.put(
          new TopicPartition(config.topicOf(group), e.getKey()),
          new OffsetAndMetadata(e.getValue()));
    }
    // Kafka offsets only serve lag tooling; the DynamoDB checkpoint above is authoritative.
    consumer.commitAsync(
        commits,
        (offsets, error) -> {
          if (error != null && !(error instanceof RetriableException)) {
            log.warn(
                "group {}: advisory Kafka offset commit failed: {}",
                group.name(),
                error.toString());
          }
        });
    stats.applied(changes.size(), newestSource);
  }

  private void writeWithRetry(Map<TableId, BatchReducer.TableBatch> batch)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = target.getConnection()) {
        c.setAutoCommit(false);
        try {
          writer.write(c, batch.values());
          c.commit();
          return;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      } catch (SQLException e) {
        SqlStateClassifier.Action action = SqlStateClassifier.classify(e);
        if (action != SqlStateClassifier.Action.RETRY || attempt >= MAX_ATTEMPTS) {
          throw new SluiceException(
              "group "
                  + group.name()
                  + ": target write failed ("
                  + action
                  + ", SQLSTATE "
                  + e.getSQLState()
                  + ") for tables "
                  + batch.keySet()
                  + ": "
                  + e.getMessage(),
              e);
        }
        long backoff = Math.min(10_000, 100L << attempt);
        long jitter = ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        log.warn(
            "group {}: retriable target error (SQLSTATE {}), attempt {} of {}",
            group.name(),
            e.getSQLState(),
            attempt,
            MAX_ATTEMPTS);
        TimeUnit.MILLISECONDS.sleep(backoff / 2 + jitter);
      }
    }
  }

  private HikariConfig hikariConfig() {
    HikariConfig h = new HikariConfig();
    h.setJdbcUrl(config.target().jdbcUrl());
    h.setUsername(config.target().user());
    h.setPassword(config.target().password().value());
    h.setMaximumPoolSize(config.target().poolSize());
    h.setPoolName("sluice-target-" + group.name());
    h.setAutoCommit(true);
    h.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
    return h;
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.putAll(config.kafka().properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sluice-apply-" + config.name() + "-" + group.name());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-apply-" + config.name() + "-" + group.name());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.apply().batchRows()));
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "262144");
    p.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        Long.toString(config.apply().batchLinger().toMillis()));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** Stops after the batch in flight; its checkpoint is written if its transaction committed. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
      if (t == null) {
        return;
      }
      running.set(false);
    }
    try {
      if (!stopped.await(60, TimeUnit.SECONDS)) {
        consumer.wakeup();
        stopped.await(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      target.close();
    }
  }
}
