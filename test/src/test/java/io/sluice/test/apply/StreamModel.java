package io.sluice.test.apply;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.event.RowKeyText;
import io.sluice.core.schema.TableId;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the target must hold: the rows of each table after applying a stream exactly once, in stream
 * order, with the plain semantics of each change. An unchanged column keeps the row's value; in the
 * insert half of a primary-key update (a delete and an insert at one position) it keeps the value
 * of the row under the old key. Refuses a stream no source could produce (an unchanged column
 * without such a value), so that a generator bug shows as such rather than as a failure of the
 * write path.
 */
final class StreamModel {
  private final Map<TableId, Map<String, Map<String, String>>> tables = new HashMap<>();
  private ChangeEvent lastDelete;
  private Map<String, String> lastDeleted;

  /** The stream applied once. */
  static StreamModel of(List<ChangeEvent> stream) {
    StreamModel model = new StreamModel();
    stream.forEach(model::apply);
    return model;
  }

  void apply(ChangeEvent e) {
    Map<String, Map<String, String>> rows = tables.computeIfAbsent(e.table(), t -> new TreeMap<>());
    if (e.op() == Op.TRUNCATE || e.op() == Op.RELOAD) {
      rows.clear();
      return;
    }
    String key = RowKeyText.of(e.key());
    if (e.op() == Op.DELETE) {
      lastDelete = e;
      lastDeleted = rows.remove(key);
      return;
    }
    Map<String, String> row = new LinkedHashMap<>(e.after());
    Map<String, String> before = rows.get(key);
    if (before == null
        && lastDelete != null
        && lastDelete.table().equals(e.table())
        && lastDelete.lsn() == e.lsn()) {
      before = lastDeleted;
    }
    for (String column : e.unchanged()) {
      if (before == null || before.get(column) == null) {
        throw new IllegalStateException(
            "unrealistic stream: "
                + e.op()
                + " of "
                + e.table()
                + " "
                + key
                + " at LSN "
                + e.lsn()
                + " leaves "
                + column
                + " unchanged, but the row has no value for it");
      }
      row.put(column, before.get(column));
    }
    rows.put(key, row);
  }

  /** The rows of one table by key text; each row maps every column to its literal or null. */
  Map<String, Map<String, String>> rows(TableId table) {
    return Collections.unmodifiableMap(tables.getOrDefault(table, Map.of()));
  }
}
