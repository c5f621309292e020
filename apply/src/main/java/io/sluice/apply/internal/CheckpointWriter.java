package io.sluice.apply.internal;

import io.micrometer.core.instrument.Counter;
import io.sluice.apply.ApplyMetrics;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.RetryLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a partition's checkpoint under its lease, retrying with backoff while DynamoDB is
 * throttling or unreachable: apply does not go on meanwhile, so no checkpoint is skipped and none
 * leads the target. Once the lease has run out on the clock it gives up: the lease is lost. While
 * it retries, {@link #problem} says why, for status and readiness.
 */
final class CheckpointWriter {
  private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);

  private final String group;
  private final int partition;
  private final ApplyCheckpointStore checkpoints;
  private final Retrier retrier;

  /** Registered with the writer, so the failure rate reads 0 before the first failure. */
  private final Counter failures;

  private final Clock clock;
  private final RetryLog retries;

  CheckpointWriter(
      String group,
      int partition,
      ApplyCheckpointStore checkpoints,
      Retrier retrier,
      ApplyMetrics metrics,
      Clock clock) {
    this.group = group;
    this.partition = partition;
    this.checkpoints = checkpoints;
    this.retrier = retrier;
    this.failures = metrics.checkpointFailures();
    this.clock = clock;
    this.retries =
        new RetryLog(
            log,
            "checkpoint write of group " + group + " partition " + partition,
            ErrorClassifier::describe,
            clock);
  }

  /** Why the partition cannot store its checkpoint now; empty while it can. */
  Optional<String> problem() {
    return retries.problem();
  }

  /**
   * @param lease the partition's lease as last renewed
   * @param keepRetrying asked between attempts: false when the worker stops
   * @throws LeaseLostException when the lease changed hands, or ran out before DynamoDB answered
   * @throws InterruptedException when the worker stops while retrying
   */
  void save(ApplyCheckpoint cp, Supplier<Lease> lease, BooleanSupplier keepRetrying)
      throws InterruptedException {
    try {
      retrier.call(
          () -> {
            checkpoints.save(cp, lease.get());
            return null;
          },
          () -> lease.get().heldAt(clock.instant()) && keepRetrying.getAsBoolean(),
          new Retrier.Listener() {
            @Override
            public void retrying(int attempt, Throwable error, Duration next) {
              failures.increment();
              retries.retrying(attempt, error, next);
            }

            @Override
            public void recovered(int failures, Duration outage) {
              retries.recovered(failures, outage);
            }
          });
      // a save after a lost lease ends the problem too, though this call saw no failure
      retries.clear();
    } catch (RuntimeException e) {
      // The problem stays reported until a checkpoint is written again: after a lease lost to
      // an outage, the partition is taken again only once DynamoDB answers.
      if (e instanceof LeaseLostException || ErrorClassifier.classify(e) != ErrorClass.RETRIABLE) {
        throw e;
      }
      failures.increment();
      TargetRetry.stopIfAsked(keepRetrying, group, partition);
      throw new LeaseLostException(
          "the checkpoint of partition "
              + partition
              + " could not be written before its lease ran out: "
              + ErrorClassifier.describe(e));
    }
  }
}
