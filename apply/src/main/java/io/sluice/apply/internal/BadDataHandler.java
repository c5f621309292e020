package io.sluice.apply.internal;

import io.sluice.apply.ApplyMetrics;
import io.sluice.core.SluiceException;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.event.ChangeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a partition does when the target refuses a batch as bad data: finds the refused changes by
 * writing the batch change by change ({@link BatchUnroller}), then halts the group (nothing of the
 * batch committed) or, when the group has a dead-letter topic (policy {@code dead-letter}), sends
 * them there and lets the rest of the batch commit.
 *
 * <p>What a message may show: the change's operation, table, key (columns and values), source
 * position (LSN), topic and partition, and the target's error without values ({@link
 * TargetErrors}). Other column values of a row appear only in the dead-letter record.
 */
final class BadDataHandler {
  private static final Logger log = LoggerFactory.getLogger(BadDataHandler.class);

  private final String group;
  private final String topic;
  private final int partition;
  private final Optional<DeadLetters> deadLetters;
  private final BatchUnroller unroller;
  private final ApplyMetrics metrics;

  BadDataHandler(
      String group,
      String topic,
      int partition,
      Optional<DeadLetters> deadLetters,
      BatchUnroller unroller,
      ApplyMetrics metrics) {
    this.group = group;
    this.topic = topic;
    this.partition = partition;
    this.deadLetters = deadLetters;
    this.unroller = unroller;
    this.metrics = metrics;
  }

  /**
   * Handles a batch the target refused with {@code refused}, in the caller's transaction (rolled
   * back here first). Returns normally when the batch's accepted changes are in the transaction,
   * ready to commit.
   *
   * @throws SQLTransientException when the refusal was NOT NULL that sluice set too early, now
   *     taken off ({@link NotNullFollower#loosen}): the batch is to be written again
   * @throws SluiceException when the group's policy is to halt
   */
  void handle(Connection c, Collection<BatchReducer.TableBatch> batch, SQLException refused)
      throws SQLException {
    c.rollback();
    if (NotNullFollower.loosen(c, refused)) {
      throw new SQLTransientException(
          "a change carries a NULL for a column set NOT NULL before the change was applied;"
              + " NOT NULL is off until it holds again",
          refused);
    }
    List<BadChange> bad = unroller.unroll(c, batch);
    if (bad.isEmpty()) {
      // Refused as a whole yet accepted change by change: the transaction now holds them all.
      return;
    }
    metrics.errors(ErrorClass.BAD_DATA).increment(bad.size());
    BadChange first = bad.get(0);
    if (deadLetters.isEmpty()) {
      throw new SluiceException(
          "group "
              + group
              + " halted: the target refused "
              + bad.size()
              + " change(s); first: "
              + describe(first)
              + ". Fix the target (or the source row) and restart; the group's policy is halt"
              + " (on-bad-data: dead-letter would set such changes aside)");
    }
    DeadLetters dlq = deadLetters.get();
    dlq.send(bad, topic, partition);
    for (BadChange b : bad) {
      metrics.deadLetters(b.change().table()).increment();
      log.error("change sent to dead-letter topic {}: {}", dlq.topic(), describe(b));
    }
  }

  private String describe(BadChange b) {
    ChangeEvent e = b.change();
    return e.op()
        + " of "
        + e.table()
        + " key ("
        + String.join(", ", e.key().keySet())
        + ")=("
        + String.join(", ", e.key().values())
        + ") at LSN "
        + e.lsn()
        + " from "
        + topic
        + " partition "
        + partition
        + ": "
        + b.reason();
  }
}
