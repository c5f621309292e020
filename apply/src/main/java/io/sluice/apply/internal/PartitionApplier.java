package io.sluice.apply.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.core.MetricNames;
import io.sluice.core.SluiceException;
import io.sluice.core.config.BadDataPolicy;
import io.sluice.core.config.TruncatePolicy;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.RetryLog;
import io.sluice.core.schema.TableId;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one partition of a group's topic: polls a batch, reduces it to the newest change per row,
 * writes it in one target transaction, and only then stores the checkpoint. Partitions hold
 * disjoint keys, so partitions apply in parallel without breaking any key's order.
 *
 * <p>A batch the target refuses as bad data is unrolled to find the refused changes; the group's
 * policy then halts (nothing of the batch is committed) or sends them to the dead-letter topic and
 * commits the rest. Retriable errors (the target away, restarting, read-only after a failover, out
 * of connections, timeouts; DynamoDB throttling or unreachable) are retried with bounded backoff
 * for as long as they last, nothing advancing meanwhile; anything else stops the partition with the
 * error, and the batch stays uncommitted.
 */
public final class PartitionApplier {
  private static final Logger log = LoggerFactory.getLogger(PartitionApplier.class);
  private static final Duration[] BATCH_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  /** What a partition applier needs from its group. */
  public record Setup(
      String group,
      String topic,
      int partition,
      Duration linger,
      DataSource target,
      PostgresBatchWriter writer,
      ApplyCheckpointStore checkpoints,
      Clock clock,
      Retrier retrier,
      TruncatePolicy truncatePolicy,
      BadDataPolicy badDataPolicy,
      Optional<DeadLetters> deadLetters,
      MeterRegistry meters,
      BatchListener listener) {}

  /** Told of every committed batch. */
  public interface BatchListener {
    /**
     * @param changes row changes of the batch: heartbeats, schema changes and reloads not counted
     * @param records records of the batch, heartbeats included
     * @param appliedThroughMicros the newest source commit time in the batch (of a change or a
     *     heartbeat): the partition is applied up to it
     * @param tables the tables with changes in the batch
     */
    void applied(
        int partition, int changes, int records, long appliedThroughMicros, Set<TableId> tables);
  }

  private final Setup s;
  private final ChangeEventCodec codec = new ChangeEventCodec();
  private final BatchUnroller unroller;
  private final SchemaReconciler reconciler;
  private final TopicPartition tp;
  private final Map<EventKey, Counter> eventCounters = new HashMap<>();
  private final Timer batchTimer;
  private final Counter checkpointFailures;
  private final RetryLog targetRetries;
  private final RetryLog checkpointRetries;
  private Supplier<Lease> lease;
  private BooleanSupplier keepRetrying = () -> true;

  /** When each table's pending NOT NULL is looked at next ({@link NotNullFollower}). */
  private final Map<TableId, java.time.Instant> notNullDue = new HashMap<>();

  /**
   * Tables with NOT NULL pending when last looked at, or with a schema change since: looked at
   * again with every batch once due, heartbeats included, so an idle table gets it too.
   */
  private final Set<TableId> notNullPending = new HashSet<>();

  private static final Duration NOT_NULL_INTERVAL = Duration.ofSeconds(10);

  private record EventKey(TableId table, Op op) {}

  public PartitionApplier(Setup setup) {
    this.s = setup;
    this.unroller = new BatchUnroller(setup.writer());
    this.reconciler = new SchemaReconciler(setup.writer());
    this.tp = new TopicPartition(setup.topic(), setup.partition());
    this.batchTimer =
        Timer.builder(MetricNames.APPLY_BATCH_DURATION)
            .description("Time a batch takes from poll to stored checkpoint")
            .tag("group", setup.group())
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(setup.meters());
    this.checkpointFailures =
        Counter.builder(MetricNames.APPLY_CHECKPOINT_FAILURES)
            .description("Checkpoint writes DynamoDB refused or did not answer (each is retried)")
            .tag("group", setup.group())
            .register(setup.meters());
    String where = "group " + setup.group() + " partition " + setup.partition();
    this.targetRetries =
        new RetryLog(log, "target write of " + where, TargetErrors::describe, setup.clock());
    this.checkpointRetries =
        new RetryLog(log, "checkpoint write of " + where, ErrorClassifier::describe, setup.clock());
  }

  /**
   * What keeps this partition from applying while it retries (the target or DynamoDB failing);
   * empty while it applies normally.
   */
  public Optional<String> retrying() {
    return targetRetries.problem().or(checkpointRetries::problem);
  }

  /**
   * Applies batches from the stored checkpoint until {@code keepGoing} turns false, which it is
   * asked before each poll, so a stop (or pause) comes at a batch boundary with the checkpoint
   * written; throws what stopped it otherwise.
   *
   * @param keepRetrying asked between attempts while a write is retried: false when the worker
   *     stops, which ends the retries with an {@link InterruptedException}; it may renew the lease
   * @param lease the partition's lease as last renewed; every checkpoint is written under it
   * @throws io.sluice.checkpoint.LeaseLostException when a checkpoint write is refused because the
   *     lease expired or another worker took the partition over
   * @throws InterruptedException when stopped while retrying
   */
  public void run(
      BooleanSupplier keepGoing,
      BooleanSupplier keepRetrying,
      KafkaConsumer<ByteBuffer, ByteBuffer> consumer,
      Supplier<Lease> lease)
      throws InterruptedException {
    this.lease = lease;
    this.keepRetrying = keepRetrying;
    consumer.assign(List.of(tp));
    Map<Integer, ApplyCheckpoint> stored = s.checkpoints().load(s.group());
    ApplyCheckpoint cp = stored.get(s.partition());
    if (cp == null) {
      consumer.seekToBeginning(List.of(tp));
    } else {
      consumer.seek(tp, cp.nextOffset());
    }
    while (keepGoing.getAsBoolean()) {
      ConsumerRecords<ByteBuffer, ByteBuffer> records = consumer.poll(s.linger());
      if (!records.isEmpty()) {
        applyBatch(consumer, records);
      }
    }
  }

  private void applyBatch(
      KafkaConsumer<ByteBuffer, ByteBuffer> consumer,
      ConsumerRecords<ByteBuffer, ByteBuffer> records)
      throws InterruptedException {
    long started = System.nanoTime();
    List<KeyedChange> changes = new ArrayList<>(records.count());
    Map<EventKey, Integer> counts = new HashMap<>();
    long nextOffset = -1;
    long lsn = 0;
    long newestSource = 0;
    int heartbeats = 0;
    int announcements = 0;
    for (ConsumerRecord<ByteBuffer, ByteBuffer> r : records) {
      ChangeEvent e = decode(r.value());
      nextOffset = Math.max(nextOffset, r.offset() + 1);
      lsn = Math.max(lsn, e.lsn());
      newestSource = Math.max(newestSource, e.sourceTsMicros());
      if (e.op() == Op.HEARTBEAT) {
        heartbeats++;
        continue; // its position and time count once the batch is committed
      }
      counts.merge(new EventKey(e.table(), e.op()), 1, Integer::sum);
      if (e.op() == Op.SCHEMA || e.op() == Op.RELOAD) {
        announcements++; // written to the target, but no row change of the source
      }
      if (e.op() == Op.SCHEMA) {
        // Changes before the schema change are written under the old target definition.
        flush(changes);
        reconcileWithRetry(e);
        notNullPending.add(e.table());
        continue;
      }
      if (e.op() == Op.TRUNCATE && !admitTruncate(e)) {
        continue;
      }
      changes.add(new KeyedChange(e, r.partition(), r.offset()));
    }
    flush(changes);
    saveCheckpoint(new ApplyCheckpoint(s.group(), s.partition(), nextOffset, lsn));
    // Kafka offsets only serve lag tooling; the DynamoDB checkpoint above is authoritative.
    consumer.commitAsync(
        Map.of(tp, new OffsetAndMetadata(nextOffset)),
        (offsets, error) -> {
          if (error != null && !(error instanceof RetriableException)) {
            log.warn("advisory Kafka offset commit failed: {}", error.toString());
          }
        });
    Set<TableId> tables = new HashSet<>();
    counts.forEach(
        (k, n) -> {
          if (k.op() != Op.SCHEMA && k.op() != Op.RELOAD) {
            tables.add(k.table());
            eventCounter(k).increment(n);
          }
        });
    batchTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    s.listener()
        .applied(
            s.partition(),
            records.count() - heartbeats - announcements,
            records.count(),
            newestSource,
            tables);
    followNotNull(tables);
  }

  /**
   * Every {@link #NOT_NULL_INTERVAL} per table with changes, sets NOT NULL that the source has and
   * the target could not take yet. Best effort: a failure is tried again at the next interval.
   */
  private void followNotNull(Set<TableId> tables) {
    java.time.Instant now = s.clock().instant();
    Set<TableId> look = new HashSet<>(tables);
    look.addAll(notNullPending);
    for (TableId t : look) {
      java.time.Instant due = notNullDue.get(t);
      if (due != null && now.isBefore(due)) {
        continue;
      }
      notNullDue.put(t, now.plus(NOT_NULL_INTERVAL));
      try (Connection c = s.target().getConnection()) {
        if (NotNullFollower.hasPending(c, t)) {
          NotNullFollower.tightenPending(c, t);
        }
        if (NotNullFollower.hasPending(c, t)) {
          notNullPending.add(t);
        } else {
          notNullPending.remove(t);
        }
      } catch (SQLException e) {
        notNullPending.add(t);
        log.debug("pending NOT NULL of {} not set this time: {}", t, e.toString());
      }
    }
  }

  private Counter eventCounter(EventKey k) {
    return eventCounters.computeIfAbsent(
        k,
        key ->
            Counter.builder(MetricNames.APPLY_EVENTS)
                .description("Changes committed to the target, before key reduction")
                .tag("group", s.group())
                .tag("table", key.table().toString())
                .tag("op", key.op().name().toLowerCase(java.util.Locale.ROOT))
                .register(s.meters()));
  }

  /**
   * Writes the checkpoint under the partition's lease, retrying with backoff while DynamoDB is
   * throttling or unreachable; apply does not go on meanwhile, so no checkpoint is skipped and none
   * leads the target. Once the lease has run out on the clock it gives up: the lease is lost.
   */
  private void saveCheckpoint(ApplyCheckpoint cp) throws InterruptedException {
    try {
      s.retrier()
          .call(
              () -> {
                s.checkpoints().save(cp, lease.get());
                return null;
              },
              () -> lease.get().heldAt(s.clock().instant()) && keepRetrying.getAsBoolean(),
              new Retrier.Listener() {
                @Override
                public void retrying(int attempt, Throwable error, Duration next) {
                  checkpointFailures.increment();
                  checkpointRetries.retrying(attempt, error, next);
                }

                @Override
                public void recovered(int failures, Duration outage) {
                  checkpointRetries.recovered(failures, outage);
                }
              });
      // a save after a lost lease ends the problem too, though this call saw no failure
      checkpointRetries.clear();
    } catch (RuntimeException e) {
      // The problem stays reported until a checkpoint is written again: after a lease lost to
      // an outage, the partition is taken again only once DynamoDB answers.
      if (e instanceof LeaseLostException || ErrorClassifier.classify(e) != ErrorClass.RETRIABLE) {
        throw e;
      }
      checkpointFailures.increment();
      stopIfAsked();
      throw new LeaseLostException(
          "the checkpoint of partition "
              + s.partition()
              + " could not be written before its lease ran out: "
              + ErrorClassifier.describe(e));
    }
  }

  /** Ends a retry that stopped because the worker is stopping. */
  private void stopIfAsked() throws InterruptedException {
    if (!keepRetrying.getAsBoolean()) {
      throw new InterruptedException(
          "group " + s.group() + " partition " + s.partition() + " stopped while retrying");
    }
  }

  /** Reads the value where the consumer left it, without copying it out first. */
  private ChangeEvent decode(ByteBuffer value) {
    if (value.hasArray()) {
      return codec.decode(value.array(), value.arrayOffset() + value.position(), value.remaining());
    }
    byte[] copy = new byte[value.remaining()];
    value.duplicate().get(copy);
    return codec.decode(copy);
  }

  private void flush(List<KeyedChange> changes) throws InterruptedException {
    if (!changes.isEmpty()) {
      writeWithRetry(BatchReducer.reduce(changes).values());
      changes.clear();
    }
  }

  private void reconcileWithRetry(ChangeEvent schemaChange) throws InterruptedException {
    withRetry(
        c -> reconciler.reconcile(c, schemaChange.schema(), schemaChange.lsn()),
        "could not follow the source schema change of " + schemaChange.table() + " on the target");
  }

  private boolean admitTruncate(ChangeEvent e) {
    Counter.builder(MetricNames.APPLY_TRUNCATES)
        .description("Source TRUNCATEs seen by apply")
        .tag("group", s.group())
        .tag("table", e.table().toString())
        .tag("outcome", s.truncatePolicy().name().toLowerCase())
        .register(s.meters())
        .increment();
    switch (s.truncatePolicy()) {
      case APPLY:
        return true;
      case IGNORE:
        log.info("TRUNCATE of {} ignored (truncate policy: ignore)", e.table());
        return false;
      default:
        throw new SluiceException(
            "group "
                + s.group()
                + " halted: the source truncated "
                + e.table()
                + " and the group's truncate policy is halt. To go on, set truncate: apply (to"
                + " empty the target table too) or truncate: ignore (to keep its rows) for the"
                + " group and restart; the truncate and every change after it are kept in Kafka.");
    }
  }

  /**
   * Writes the batch in one transaction, with {@link #withRetry}. A write that names a column or
   * type the target no longer has, or not yet, met a schema change another partition of the group
   * applied meanwhile (the cached description of the table was taken before it): the tables are
   * described again and the write tried once more; failing again, the error stands.
   */
  private void writeWithRetry(Collection<BatchReducer.TableBatch> batch)
      throws InterruptedException {
    boolean[] describedAgain = {false};
    withRetry(
        c -> {
          try {
            return Transactions.inTransaction(
                c,
                tx -> {
                  write(tx, batch);
                  return null;
                });
          } catch (SQLException e) {
            if (describedAgain[0]
                || e.getSQLState() == null
                || !STALE_STRUCTURE.contains(e.getSQLState())) {
              throw e;
            }
            describedAgain[0] = true;
            batch.forEach(b -> s.writer().forget(b.table()));
            throw new SQLTransientException(
                "the target table changed since it was described (a schema change applied by"
                    + " another partition); described again",
                e);
          }
        },
        "target write failed for tables " + tables(batch));
  }

  /** Errors of a write against a stale description: undefined column, datatype mismatch. */
  private static final Set<String> STALE_STRUCTURE = Set.of("42703", "42804");

  /**
   * Runs the work on a target connection, again with backoff for as long as the error is retriable
   * (each failed connection is evicted from the pool: after a failover it may point at a node that
   * is no writer any more); otherwise stops the partition saying what failed.
   */
  private void withRetry(Transactions.Work<?> work, String failure) throws InterruptedException {
    try {
      s.retrier()
          .call(
              () -> {
                Connection c = s.target().getConnection();
                try {
                  return work.run(c);
                } catch (SQLException | RuntimeException e) {
                  if (ErrorClassifier.classify(e) == ErrorClass.RETRIABLE
                      && s.target() instanceof HikariDataSource pool) {
                    pool.evictConnection(c);
                  }
                  throw e;
                } finally {
                  c.close();
                }
              },
              keepRetrying,
              new Retrier.Listener() {
                @Override
                public void retrying(int attempt, Throwable error, Duration next) {
                  errorCounter(ErrorClass.RETRIABLE).increment();
                  targetRetries.retrying(attempt, error, next);
                }

                @Override
                public void recovered(int failures, Duration outage) {
                  targetRetries.recovered(failures, outage);
                }
              });
    } catch (SQLException e) {
      targetRetries.clear();
      ErrorClass c = ErrorClassifier.classify(e);
      if (c == ErrorClass.RETRIABLE) {
        stopIfAsked();
      }
      errorCounter(c).increment();
      throw new SluiceException(
          "group "
              + s.group()
              + " partition "
              + s.partition()
              + ": "
              + failure
              + ": "
              + TargetErrors.describe(e),
          e);
    }
  }

  /** Writes the batch; on bad data, finds the refused changes and applies the group's policy. */
  private void write(Connection c, Collection<BatchReducer.TableBatch> batch) throws SQLException {
    try {
      s.writer().write(c, batch);
      return;
    } catch (SQLException e) {
      if (ErrorClassifier.classify(e) != ErrorClass.BAD_DATA) {
        throw e;
      }
      c.rollback();
      if (NotNullFollower.loosen(c, e)) {
        throw new SQLTransientException(
            "a change carries a NULL for a column set NOT NULL before the change was applied;"
                + " NOT NULL is off until it holds again",
            e);
      }
    }
    List<BadChange> bad = unroller.unroll(c, batch);
    if (bad.isEmpty()) {
      // Refused as a whole yet accepted change by change: the transaction now holds them all.
      return;
    }
    errorCounter(ErrorClass.BAD_DATA).increment(bad.size());
    BadChange first = bad.get(0);
    if (s.badDataPolicy() == BadDataPolicy.HALT || s.deadLetters().isEmpty()) {
      throw new SluiceException(
          "group "
              + s.group()
              + " halted: the target refused "
              + bad.size()
              + " change(s); first: "
              + describe(first)
              + ". Fix the target (or the source row) and restart; the group's policy is halt"
              + " (on-bad-data: dead-letter would set such changes aside)");
    }
    DeadLetters dlq = s.deadLetters().get();
    dlq.send(bad, s.topic(), s.partition());
    for (BadChange b : bad) {
      Counter.builder(MetricNames.APPLY_DEAD_LETTERS)
          .description("Changes sent to the group's dead-letter topic")
          .tag("group", s.group())
          .tag("table", b.change().table().toString())
          .register(s.meters())
          .increment();
      log.error("change sent to dead-letter topic {}: {}", dlq.topic(), describe(b));
    }
  }

  private static String describe(BadChange b) {
    ChangeEvent e = b.change();
    return e.op()
        + " of "
        + e.table()
        + " key ("
        + String.join(", ", e.key().keySet())
        + ")=("
        + String.join(", ", e.key().values())
        + ")"
        + " at LSN "
        + e.lsn()
        + ": "
        + b.reason();
  }

  private Counter errorCounter(ErrorClass errorClass) {
    return Counter.builder(MetricNames.APPLY_ERRORS)
        .description("Target errors met by apply")
        .tag("group", s.group())
        .tag("error_class", errorClass.tag())
        .register(s.meters());
  }

  private static List<TableId> tables(Collection<BatchReducer.TableBatch> batch) {
    return batch.stream().map(BatchReducer.TableBatch::table).toList();
  }
}
