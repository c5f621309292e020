package io.sluice.apply.internal;

import io.sluice.apply.TargetSchema;
import io.sluice.apply.internal.BatchReducer.TableBatch;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Changes written under a column's old name, moved to the name the column has now: a change written
 * before a rename can reach the target after another partition of the group applied the rename. The
 * renames are those recorded in {@code _sluice.renamed_columns} ({@link
 * SourceAttributes#recordRenames}).
 */
final class RenamedColumns {
  private RenamedColumns() {}

  /**
   * The table's renamed columns, each old name mapped to the column's name now, through every
   * rename since.
   */
  static Map<String, String> read(Connection c, TableId table) throws SQLException {
    Map<String, String> direct = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT old_name, new_name FROM "
                + TargetSchema.SLUICE_SCHEMA
                + ".renamed_columns WHERE tbl = ?")) {
      ps.setString(1, table.toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          direct.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return resolved(direct);
  }

  /**
   * Each old name mapped to the name it has after every rename since, given each rename (old name
   * to the next name). Renames that come back round to a name end after a bounded number of hops.
   */
  static Map<String, String> resolved(Map<String, String> direct) {
    Map<String, String> resolved = new HashMap<>();
    for (String old : direct.keySet()) {
      String now = old;
      for (int hops = 0; direct.containsKey(now) && hops <= direct.size(); hops++) {
        now = direct.get(now);
      }
      resolved.put(old, now);
    }
    return resolved;
  }

  /**
   * The batch with every change written under a column's old name moved to its name now, given the
   * table's {@code renamed} columns (see {@link #read}). A column the target still has under that
   * name keeps it. The changes of a keyed row then meet under one key again and are reduced once
   * more; the batch itself is returned when no change names a column by an old name.
   */
  static TableBatch underCurrentNames(
      TableSchema target, Map<String, String> renamed, TableBatch b) {
    if (renamed.isEmpty()) {
      return b;
    }
    List<String> columns = target.columnNames();
    boolean any = false;
    List<ChangeEvent> rows = new ArrayList<>(b.rows().size());
    for (ChangeEvent e : b.rows()) {
      ChangeEvent moved = rename(e, columns, renamed);
      any |= moved != e;
      rows.add(moved);
    }
    if (!any) {
      return b;
    }
    if (!target.keyless()) {
      Map<Map<String, String>, ChangeEvent> byKey = new LinkedHashMap<>();
      for (ChangeEvent e : rows) {
        byKey.merge(e.key(), e, BatchReducer::newer);
      }
      rows = new ArrayList<>(byKey.values());
    }
    return new TableBatch(b.table(), rows, b.truncateLsn());
  }

  /** The change with its columns under their names now, or the change itself if none moved. */
  private static ChangeEvent rename(ChangeEvent e, List<String> columns, Map<String, String> to) {
    boolean stale = false;
    for (String c : e.key().keySet()) {
      stale |= !columns.contains(c) && to.containsKey(c);
    }
    if (e.after() != null) {
      for (String c : e.after().keySet()) {
        stale |= !columns.contains(c) && to.containsKey(c);
      }
    }
    for (String c : e.unchanged()) {
      stale |= !columns.contains(c) && to.containsKey(c);
    }
    if (!stale) {
      return e;
    }
    UnaryOperator<String> now = c -> columns.contains(c) ? c : to.getOrDefault(c, c);
    Map<String, String> key = new LinkedHashMap<>();
    e.key().forEach((c, v) -> key.put(now.apply(c), v));
    Map<String, String> after = null;
    if (e.after() != null) {
      after = new LinkedHashMap<>();
      for (Map.Entry<String, String> v : e.after().entrySet()) {
        after.put(now.apply(v.getKey()), v.getValue());
      }
    }
    Set<String> unchanged = new HashSet<>();
    e.unchanged().forEach(c -> unchanged.add(now.apply(c)));
    return new ChangeEvent(
        e.table(),
        e.op(),
        e.lsn(),
        e.txId(),
        e.sourceTsMicros(),
        key,
        after,
        unchanged,
        null,
        e.commitOrder());
  }
}
