package io.sluice.test.apply;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the target must hold: the rows of each table after applying a stream exactly once, in
 * stream order, with the plain semantics of each change. Refuses a stream no source could produce
 * (an unchanged column of a row that does not exist or has no value for it), so that a generator
 * bug shows as such rather than as a failure of the write path.
 */
final class StreamModel {
  private final Map<TableId, Map<String, Map<String, String>>> tables = new HashMap<>();
  private int applied;

  /** How many events of the stream this model has applied. */
  int applied() {
    return applied;
  }

  void apply(ChangeEvent e) {
    Map<String, Map<String, String>> rows = tables.computeIfAbsent(e.table(), t -> new TreeMap<>());
    applied++;
    if (e.op() == Op.TRUNCATE) {
      rows.clear();
      return;
    }
    String key = ChangeEventCodec.keyText(e.key());
    if (e.op() == Op.DELETE) {
      rows.remove(key);
      return;
    }
    Map<String, String> row = new LinkedHashMap<>(e.after());
    Map<String, String> before = rows.get(key);
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
