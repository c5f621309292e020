package io.sluice.apply.internal;

import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a partition looks again at NOT NULL the target could not take yet ({@link NotNullFollower}):
 * after each committed batch, heartbeats included, for the tables of the batch and those still
 * pending, at most once per {@link #INTERVAL} per table. Best effort: a failure is tried again at
 * the next interval. One per partition; not thread-safe.
 */
final class PendingNotNull {
  private static final Logger log = LoggerFactory.getLogger(PendingNotNull.class);
  static final Duration INTERVAL = Duration.ofSeconds(10);

  private final DataSource target;
  private final Clock clock;
  private final Map<TableId, Instant> due = new HashMap<>();

  /** Tables pending when last looked at, or with a schema change since. */
  private final Set<TableId> pending = new HashSet<>();

  PendingNotNull(DataSource target, Clock clock) {
    this.target = target;
    this.clock = clock;
  }

  /** A schema change of the table was followed: it may have left NOT NULL pending. */
  void schemaChanged(TableId table) {
    pending.add(table);
  }

  /** After a committed batch with changes of these tables. */
  void afterBatch(Set<TableId> tables) {
    Instant now = clock.instant();
    Set<TableId> look = new HashSet<>(tables);
    look.addAll(pending);
    for (TableId t : look) {
      Instant next = due.get(t);
      if (next != null && now.isBefore(next)) {
        continue;
      }
      due.put(t, now.plus(INTERVAL));
      try (Connection c = target.getConnection()) {
        if (NotNullFollower.hasPending(c, t)) {
          NotNullFollower.tightenPending(c, t);
        }
        if (NotNullFollower.hasPending(c, t)) {
          pending.add(t);
        } else {
          pending.remove(t);
        }
      } catch (SQLException e) {
        pending.add(t);
        log.debug("pending NOT NULL of {} not set this time: {}", t, e.toString());
      }
    }
  }
}
