package io.sluice.apply.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Groups changes by their shape: the target columns a change carries, in target order, counting the
 * unchanged TOASTed columns it names. A change writes exactly the columns it carries, so each shape
 * gets statements of its own; a table's changes have one shape except around a schema change. Pure:
 * reads only the changes and the target's description.
 */
final class RowShapes {
  private RowShapes() {}

  /** A run of consecutive changes of one shape. */
  record Run(List<String> columns, List<ChangeEvent> rows) {}

  /**
   * Groups a table's reduced changes by shape, in order of first appearance. Deletes carry only
   * their key and join the first group; with no other change they form a group of all the target's
   * columns. Refuses an insert that names unchanged TOASTed columns: the new row of a key update,
   * whose values for them the stream does not hold.
   */
  static Map<List<String>, List<ChangeEvent>> byShape(TableSchema target, List<ChangeEvent> rows) {
    Map<List<String>, List<ChangeEvent>> shapes = new LinkedHashMap<>();
    List<ChangeEvent> deletes = new ArrayList<>();
    List<String> lastShape = null;
    List<ChangeEvent> lastRows = null;
    for (ChangeEvent e : rows) {
      if (e.op() == Op.INSERT && !e.unchanged().isEmpty()) {
        // A primary-key update arrives as delete + insert; PostgreSQL does not resend an
        // untouched TOASTed value in the new row, and the old row's value is not in the stream.
        throw new SluiceException(
            "an update of the key of "
                + e.table()
                + " moved a row to key ("
                + String.join(", ", e.key().keySet())
                + ")=("
                + String.join(", ", e.key().values())
                + ") at LSN "
                + e.lsn()
                + " without resending its TOASTed column(s) "
                + new TreeSet<>(e.unchanged())
                + ", so their values cannot be carried. Set REPLICA IDENTITY FULL on the source"
                + " table so key updates carry whole rows, and reload the row");
      }
      if (e.op() == Op.DELETE) {
        deletes.add(e);
        continue;
      }
      if (lastShape == null || !carriesExactly(e, lastShape)) {
        lastShape = shapeOf(target, e);
        lastRows = shapes.computeIfAbsent(lastShape, s -> new ArrayList<>());
      }
      lastRows.add(e);
    }
    if (!deletes.isEmpty()) {
      if (shapes.isEmpty()) {
        shapes.put(target.columnNames(), deletes);
      } else {
        shapes.values().iterator().next().addAll(deletes);
      }
    }
    return shapes;
  }

  /**
   * The run that starts at {@code rows.get(from)}: that change's shape and the changes from it on
   * that carry exactly that shape. Stream order is kept, so a shape may come back in a later run.
   */
  static Run runFrom(TableSchema target, List<ChangeEvent> rows, int from) {
    List<String> shape = shapeOf(target, rows.get(from));
    int to = from + 1;
    while (to < rows.size() && carriesExactly(rows.get(to), shape)) {
      to++;
    }
    return new Run(shape, rows.subList(from, to));
  }

  /** Whether the change carries the shape's columns and no others. */
  static boolean carriesExactly(ChangeEvent e, List<String> shape) {
    if (e.after().size() + e.unchanged().size() != shape.size()) {
      return false;
    }
    if (e.unchanged().isEmpty() && inOrder(e.after().keySet(), shape)) {
      // The usual case, without a hash lookup per column: the change carries the columns in the
      // target's order.
      return true;
    }
    for (String column : shape) {
      if (!e.after().containsKey(column) && !e.unchanged().contains(column)) {
        return false;
      }
    }
    return true;
  }

  private static boolean inOrder(Collection<String> carried, List<String> shape) {
    int i = 0;
    for (String column : carried) {
      if (!column.equals(shape.get(i++))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The target columns the change carries, in target order. Refuses a change with a value for a
   * column the target does not have, or with none for a key column.
   */
  static List<String> shapeOf(TableSchema target, ChangeEvent e) {
    List<String> shape = new ArrayList<>();
    for (ColumnSchema col : target.columns()) {
      if (e.after().containsKey(col.name()) || e.unchanged().contains(col.name())) {
        shape.add(col.name());
      }
    }
    if (shape.size() != e.after().size() + e.unchanged().size()) {
      for (String carried : e.after().keySet()) {
        if (!shape.contains(carried)) {
          throw new SluiceException(
              "change to "
                  + e.table()
                  + " at LSN "
                  + e.lsn()
                  + " carries column "
                  + carried
                  + ", which the target table does not have; source and target schemas differ"
                  + " and no schema change was announced for it");
        }
      }
    }
    for (String k : target.keyColumns()) {
      if (!shape.contains(k)) {
        throw new SluiceException(
            "change to " + e.table() + " at LSN " + e.lsn() + " has no value for key column " + k);
      }
    }
    return shape;
  }
}
