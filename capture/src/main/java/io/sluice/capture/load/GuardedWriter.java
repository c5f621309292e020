package io.sluice.capture.load;

import io.sluice.core.event.ChangeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The target's position-guarded write path (apply's {@code TargetWriter}): writes the changes
 * inside the connection's current transaction. A new one per target session, not shared between
 * threads.
 */
@FunctionalInterface
public interface GuardedWriter {
  void write(Connection target, List<ChangeEvent> changes) throws SQLException;
}
