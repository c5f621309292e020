package io.sluice.apply.internal;

import io.micrometer.core.instrument.Timer;
import io.sluice.apply.ApplyMetrics;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.core.SluiceException;
import io.sluice.core.config.TruncatePolicy;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
import io.sluice.core.retry.Retrier;
import io.sluice.core.schema.TableId;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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

  /**
   * What a partition applier needs from its group.
   *
   * @param deadLetters the group's dead-letter topic, present when its bad-data policy is {@code
   *     dead-letter}; without it, bad data halts the group
   */
  public record Setup(
      String group,
      String topic,
      int partition,
      Duration linger,
      Duration checkpointInterval,
      DataSource target,
      PostgresBatchWriter writer,
      ApplyCheckpointStore checkpoints,
      Clock clock,
      Retrier retrier,
      TruncatePolicy truncatePolicy,
      Optional<DeadLetters> deadLetters,
      ApplyMetrics metrics,
      BatchListener listener,
      IntFunction<OptionalLong> loadStart) {}

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

  /** The checkpoint of the batches committed since the last one written; null when none. */
  private ApplyCheckpoint pending;

  private Instant lastCheckpoint;
  private final ChangeEventCodec codec = new ChangeEventCodec();
  private final SchemaReconciler reconciler;
  private final BadDataHandler badData;
  private final PendingNotNull pendingNotNull;
  private final TopicPartition tp;
  private final Timer batchTimer;
  private final TargetRetry targetRetry;
  private final CheckpointWriter checkpoints;
  private Supplier<Lease> lease;
  private BooleanSupplier keepRetrying = () -> true;

  private record EventKey(TableId table, Op op) {}

  public PartitionApplier(Setup setup) {
    this.s = setup;
    this.reconciler = new SchemaReconciler(setup.writer());
    this.badData =
        new BadDataHandler(
            setup.group(),
            setup.topic(),
            setup.partition(),
            setup.deadLetters(),
            new BatchUnroller(setup.writer()),
            setup.metrics());
    this.pendingNotNull = new PendingNotNull(setup.target(), setup.clock());
    this.tp = new TopicPartition(setup.topic(), setup.partition());
    this.batchTimer = setup.metrics().batchDuration();
    this.targetRetry =
        new TargetRetry(
            setup.group(),
            setup.partition(),
            setup.target(),
            setup.retrier(),
            setup.metrics(),
            setup.clock());
    this.checkpoints =
        new CheckpointWriter(
            setup.group(),
            setup.partition(),
            setup.checkpoints(),
            setup.retrier(),
            setup.metrics(),
            setup.clock());
  }

  /**
   * What keeps this partition from applying while it retries (the target or DynamoDB failing);
   * empty while it applies normally.
   */
  public Optional<String> retrying() {
    return targetRetry.problem().or(checkpoints::problem);
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
      Consumer<ByteBuffer, ByteBuffer> consumer,
      Supplier<Lease> lease)
      throws InterruptedException {
    this.lease = lease;
    this.keepRetrying = keepRetrying;
    consumer.assign(List.of(tp));
    Map<Integer, ApplyCheckpoint> stored = s.checkpoints().load(s.group());
    ApplyCheckpoint cp = stored.get(s.partition());
    // the copy load's stream starts here: anything before came from an earlier slot
    OptionalLong loadStart = s.loadStart().apply(s.partition());
    if (cp == null && loadStart.isEmpty()) {
      consumer.seekToBeginning(List.of(tp));
    } else {
      consumer.seek(tp, Math.max(cp == null ? 0 : cp.nextOffset(), loadStart.orElse(0)));
    }
    // a checkpoint left from before a lost lease is stale: another owner may have written since
    pending = null;
    lastCheckpoint = s.clock().instant();
    while (keepGoing.getAsBoolean()) {
      ConsumerRecords<ByteBuffer, ByteBuffer> records = consumer.poll(s.linger());
      if (!records.isEmpty()) {
        applyBatch(consumer, records);
      }
      if (pending != null
          && Duration.between(lastCheckpoint, s.clock().instant()).compareTo(s.checkpointInterval())
              >= 0) {
        saveCheckpoint(consumer);
      }
    }
    // pausing, stopping or handing the partition over: the next owner starts where this one ended
    if (pending != null) {
      saveCheckpoint(consumer);
    }
  }

  /**
   * Stores the checkpoint of the batches committed since the last one, under the lease, and commits
   * their Kafka offset (which only lag tooling reads).
   */
  private void saveCheckpoint(Consumer<ByteBuffer, ByteBuffer> consumer)
      throws InterruptedException {
    ApplyCheckpoint cp = pending;
    checkpoints.save(cp, lease, keepRetrying);
    pending = null;
    lastCheckpoint = s.clock().instant();
    consumer.commitAsync(
        Map.of(tp, new OffsetAndMetadata(cp.nextOffset())),
        (offsets, error) -> {
          if (error != null && !(error instanceof RetriableException)) {
            log.warn("advisory Kafka offset commit failed: {}", error.toString());
          }
        });
  }

  private void applyBatch(
      Consumer<ByteBuffer, ByteBuffer> consumer, ConsumerRecords<ByteBuffer, ByteBuffer> records)
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
        pendingNotNull.schemaChanged(e.table());
        continue;
      }
      if (e.op() == Op.TRUNCATE && !admitTruncate(e)) {
        continue;
      }
      changes.add(new KeyedChange(e, r.partition(), r.offset()));
    }
    flush(changes);
    // Committed to the target: its checkpoint is written with the next one due (run).
    pending = new ApplyCheckpoint(s.group(), s.partition(), nextOffset, lsn);
    Set<TableId> tables = new HashSet<>();
    counts.forEach(
        (k, n) -> {
          if (k.op() != Op.SCHEMA && k.op() != Op.RELOAD) {
            tables.add(k.table());
            s.metrics().events(k.table(), k.op()).increment(n);
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
    pendingNotNull.afterBatch(tables);
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
    targetRetry.run(
        c -> reconciler.reconcile(c, schemaChange.schema(), schemaChange.lsn()),
        "could not follow the source schema change of " + schemaChange.table() + " on the target",
        keepRetrying);
  }

  private boolean admitTruncate(ChangeEvent e) {
    s.metrics()
        .truncates(e.table(), s.truncatePolicy().name().toLowerCase(Locale.ROOT))
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
   * Writes the batch in one transaction, with {@link TargetRetry}. A write that names a column or
   * type the target no longer has, or not yet, met a schema change another partition of the group
   * applied meanwhile (the cached description of the table was taken before it): the tables are
   * described again and the write tried once more; failing again, the error stands.
   */
  private void writeWithRetry(Collection<BatchReducer.TableBatch> batch)
      throws InterruptedException {
    boolean[] describedAgain = {false};
    targetRetry.run(
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
        "target write failed for tables " + tables(batch),
        keepRetrying);
  }

  /** Errors of a write against a stale description: undefined column, datatype mismatch. */
  private static final Set<String> STALE_STRUCTURE = Set.of("42703", "42804");

  /** Writes the batch; on bad data, finds the refused changes and applies the group's policy. */
  private void write(Connection c, Collection<BatchReducer.TableBatch> batch) throws SQLException {
    try {
      s.writer().write(c, batch);
    } catch (SQLException e) {
      if (ErrorClassifier.classify(e) != ErrorClass.BAD_DATA) {
        throw e;
      }
      badData.handle(c, batch, e);
    }
  }

  private static List<TableId> tables(Collection<BatchReducer.TableBatch> batch) {
    return batch.stream().map(BatchReducer.TableBatch::table).toList();
  }
}
