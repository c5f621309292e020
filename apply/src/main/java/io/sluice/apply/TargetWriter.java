package io.sluice.apply;

import io.sluice.apply.internal.BatchReducer;
import io.sluice.apply.internal.KeyedChange;
import io.sluice.apply.internal.PostgresBatchWriter;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The position-guarded write path on its own: reduces a list of changes to the newest per row and
 * writes them inside the caller's transaction. Writing any change a second time, or an older change
 * after a newer one, leaves the target as it was; that is what makes replay harmless.
 *
 * <p>Target tables must exist (see {@link TargetSchema}). Not thread-safe: one writer per thread.
 */
public final class TargetWriter {
  private final PostgresBatchWriter writer = new PostgresBatchWriter();

  /**
   * Writes the changes, in stream order, inside the connection's current transaction. Heartbeats
   * among them write nothing.
   */
  public void write(Connection c, List<ChangeEvent> changes) throws SQLException {
    List<KeyedChange> keyed = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      if (changes.get(i).op() != Op.HEARTBEAT) {
        keyed.add(new KeyedChange(changes.get(i), 0, i));
      }
    }
    // A caller may write several times in one transaction: each write starts from empty staging.
    writer.writeAgain(c, BatchReducer.reduce(keyed).values());
  }
}
