package io.sluice.capture.internal;

import io.sluice.capture.load.GuardedWriter;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.config.TargetConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.RetryLog;
import io.sluice.core.retry.Sleeper;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of rows read from a source snapshot (a reload, a repair) to one target table
 * through the position-guarded write path, each in a target transaction of its own that first locks
 * the table against apply's writes ({@code SHARE ROW EXCLUSIVE}, held for the batch): the guarded
 * write reads tombstones as of its statement's start, so a delete apply committed while the
 * statement ran would be missed and its row written back. Apply is the only other writer of the
 * table's rows, and each of its keys has one partition, so nothing else needs the lock. Writes are
 * retried while the target is away or a deadlock chose the batch (writing it again is harmless), on
 * a new session each time. Not thread-safe: one per thread.
 */
public final class GuardedBatches implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GuardedBatches.class);
  private static final Retrier RETRIER =
      new Retrier(Backoff.DEFAULT, ErrorClassifier::classify, Sleeper.SYSTEM, Clock.systemUTC());

  private final TargetConfig config;
  private final Supplier<GuardedWriter> writers;
  private final String lock;
  private final RetryLog retries;
  private Connection target;
  private GuardedWriter writer;

  public GuardedBatches(TargetConfig config, Supplier<GuardedWriter> writers, TableId table) {
    this.config = config;
    this.writers = writers;
    this.lock = "LOCK TABLE " + table.quoted() + " IN SHARE ROW EXCLUSIVE MODE";
    this.retries =
        new RetryLog(
            log, "guarded writes to " + table, ErrorClassifier::describe, Clock.systemUTC());
  }

  /** Writes the changes, in order, in one target transaction. */
  public void write(List<ChangeEvent> changes) throws SQLException, InterruptedException {
    RETRIER.call(
        () -> {
          if (target == null) {
            target =
                DriverManager.getConnection(
                    config.jdbcUrl(), config.user(), config.password().value());
            target.setAutoCommit(false);
            writer = writers.get(); // its staging tables live in the session
          }
          try (Statement st = target.createStatement()) {
            st.execute(lock);
            writer.write(target, changes);
            target.commit();
          } catch (SQLException | RuntimeException e) {
            close();
            throw e;
          }
          return null;
        },
        retries);
  }

  @Override
  public void close() {
    if (target != null) {
      try {
        target.close(); // rolls back what was not committed
      } catch (SQLException e) {
        log.debug("closing a guarded write session on the target failed", e);
      }
      target = null;
    }
  }
}
