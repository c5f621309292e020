package io.sluice.apply.internal;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.event.RowKeyText;
import io.sluice.core.schema.ColumnSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Sends changes to the target by {@code COPY ... FROM STDIN}, one row per change, encoded as they
 * go ({@link CopyTextEncoder}): into a keyed table's staging table, or straight into a table
 * without a key. A COPY that fails part way is cancelled, so the connection is not left inside it
 * and the error that stopped it is the one reported.
 */
final class StagingCopy {
  private StagingCopy() {}

  /**
   * Copies a keyed table's changes into the staging table of {@code sql}: per change its values (a
   * delete's key), position, key text, {@code d} or {@code u}, and the unchanged TOASTed columns of
   * an update, if any.
   */
  static void toStaging(Connection c, TableStatements sql, List<ChangeEvent> rows)
      throws SQLException {
    List<ColumnSchema> columns = sql.table().columns();
    copy(
        c,
        sql.copy(),
        rows,
        (e, enc) -> {
          boolean delete = e.op() == Op.DELETE;
          Map<String, String> values = delete ? e.key() : e.after();
          for (ColumnSchema col : columns) {
            enc.field(values.get(col.name()));
          }
          enc.field(e.lsn());
          enc.field(RowKeyText.of(e.key()));
          enc.field(delete ? "d" : "u");
          enc.field(
              delete || e.unchanged().isEmpty()
                  ? null
                  : TableStatements.unchangedKey(e.unchanged()));
        });
  }

  /**
   * Copies the new rows of a run of one shape straight into a table without a key, by a {@code
   * copy} statement that names the run's columns and then the position.
   */
  static void inserts(Connection c, String copy, RowShapes.Run run) throws SQLException {
    copy(
        c,
        copy,
        run.rows(),
        (e, enc) -> {
          for (String column : run.columns()) {
            enc.field(e.after().get(column));
          }
          enc.field(e.lsn());
        });
  }

  /** Runs one COPY: a row per change, whose fields {@code fields} encodes. */
  private static void copy(
      Connection c,
      String copy,
      List<ChangeEvent> rows,
      BiConsumer<ChangeEvent, CopyTextEncoder> fields)
      throws SQLException {
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy);
    try {
      CopyTextEncoder enc = new CopyTextEncoder(in::writeToCopy);
      for (ChangeEvent e : rows) {
        fields.accept(e, enc);
        enc.endRow();
      }
      enc.flush();
      in.endCopy();
    } finally {
      cancelIfActive(in);
    }
  }

  private static void cancelIfActive(CopyIn in) {
    if (in.isActive()) {
      try {
        in.cancelCopy();
      } catch (SQLException cancelFailed) {
        // the error that got us here is the one to report
      }
    }
  }
}
