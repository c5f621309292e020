package io.sluice.apply.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.sluice.apply.ApplyMetrics;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.SluiceException;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.RetryLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a partition's work on a target connection, again with backoff for as long as the error is
 * retriable (the target away, restarting, read-only after a failover, out of connections): each
 * failed connection is evicted from the pool, since after a failover it may point at a node that is
 * no writer any more. Any other error stops the partition, saying what failed. While it retries,
 * {@link #problem} says why, for status and readiness.
 */
final class TargetRetry {
  private static final Logger log = LoggerFactory.getLogger(TargetRetry.class);

  private final String group;
  private final int partition;
  private final DataSource target;
  private final Retrier retrier;
  private final ApplyMetrics metrics;
  private final RetryLog retries;

  TargetRetry(
      String group,
      int partition,
      DataSource target,
      Retrier retrier,
      ApplyMetrics metrics,
      Clock clock) {
    this.group = group;
    this.partition = partition;
    this.target = target;
    this.retrier = retrier;
    this.metrics = metrics;
    this.retries =
        new RetryLog(
            log,
            "target write of group " + group + " partition " + partition,
            TargetErrors::describe,
            clock);
  }

  /** Why the partition cannot write to the target now; empty while it can. */
  Optional<String> problem() {
    return retries.problem();
  }

  /**
   * Runs the work until it succeeds or fails for good.
   *
   * @param failure what failed, for the message that stops the partition
   * @param keepRetrying asked between attempts: false when the worker stops
   * @throws SluiceException naming the failure, when it is not retriable
   * @throws InterruptedException when the worker stops while retrying
   */
  <T> T run(Transactions.Work<T> work, String failure, BooleanSupplier keepRetrying)
      throws InterruptedException {
    try {
      return retrier.call(
          () -> {
            Connection c = target.getConnection();
            try {
              return work.run(c);
            } catch (SQLException | RuntimeException e) {
              if (ErrorClassifier.classify(e) == ErrorClass.RETRIABLE
                  && target instanceof HikariDataSource pool) {
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
              metrics.errors(ErrorClass.RETRIABLE).increment();
              retries.retrying(attempt, error, next);
            }

            @Override
            public void recovered(int failures, Duration outage) {
              retries.recovered(failures, outage);
            }
          });
    } catch (SQLException e) {
      retries.clear();
      ErrorClass c = ErrorClassifier.classify(e);
      if (c == ErrorClass.RETRIABLE) {
        stopIfAsked(keepRetrying, group, partition);
      }
      metrics.errors(c).increment();
      throw new SluiceException(
          "group "
              + group
              + " partition "
              + partition
              + ": "
              + failure
              + ": "
              + TargetErrors.describe(e),
          e);
    }
  }

  /** Ends a retry that stopped because the worker is stopping. */
  static void stopIfAsked(BooleanSupplier keepRetrying, String group, int partition)
      throws InterruptedException {
    if (!keepRetrying.getAsBoolean()) {
      throw new InterruptedException(
          "group " + group + " partition " + partition + " stopped while retrying");
    }
  }
}
