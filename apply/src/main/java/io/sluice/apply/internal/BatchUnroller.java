package io.sluice.apply.internal;

import io.sluice.apply.internal.BatchReducer.TableBatch;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.SluiceException;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.event.ChangeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Finds the changes of a batch that the target refuses: writes the batch again one change at a
 * time, each under its own savepoint, inside the caller's transaction. On return the transaction
 * holds every change that was accepted; the refused ones are returned. Slow, and only run after the
 * batch as a whole failed with bad data.
 */
public final class BatchUnroller {
  private final PostgresBatchWriter writer;

  public BatchUnroller(PostgresBatchWriter writer) {
    this.writer = writer;
  }

  public List<BadChange> unroll(Connection c, Collection<TableBatch> batches) throws SQLException {
    List<BadChange> bad = new ArrayList<>();
    for (TableBatch b : batches) {
      if (b.truncateLsn() >= 0) {
        // A truncate touches no row value: if it fails, the failure is not the data's.
        writer.writeAgain(c, List.of(new TableBatch(b.table(), List.of(), b.truncateLsn())));
      }
      for (ChangeEvent e : b.rows()) {
        Savepoint sp = c.setSavepoint();
        try {
          writer.writeAgain(c, List.of(new TableBatch(b.table(), List.of(e), -1)));
          c.releaseSavepoint(sp);
        } catch (SQLException ex) {
          c.rollback(sp);
          if (ErrorClassifier.classify(ex) != ErrorClass.BAD_DATA) {
            throw ex;
          }
          bad.add(BadChange.of(e, ex));
        } catch (SluiceException ex) {
          c.rollback(sp);
          throw ex;
        }
      }
    }
    return bad;
  }
}
