package io.sluice.apply.internal;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reduces a batch to the last change per row: a target statement may touch a row only once, and
 * only the newest change of a key matters. When the newest change of a key is an update that did
 * not resend an unchanged TOASTed column, the value from an older change in the same batch fills it
 * in; otherwise the column stays marked unchanged and the target keeps its value.
 *
 * <p>Changes of a table without a key are not reduced: identical rows may repeat, so each change
 * counts. They stay in stream order, truncates among them.
 */
public final class BatchReducer {
  private BatchReducer() {}

  /**
   * The reduced changes of one table, or every change in stream order for a table without a key.
   */
  public record TableBatch(TableId table, List<ChangeEvent> rows, long truncateLsn) {}

  public static Map<TableId, TableBatch> reduce(List<KeyedChange> changes) {
    // Keyed by the key map itself: one table's keys list the same columns in the same order, so
    // equal maps are equal keys, without building a key text per change.
    Map<TableId, Map<Map<String, String>, ChangeEvent>> byTable = new TreeMap<>();
    Map<TableId, Long> truncates = new HashMap<>();
    Map<TableId, List<ChangeEvent>> keyless = new TreeMap<>();
    for (KeyedChange kc : changes) {
      ChangeEvent e = kc.event();
      if (e.isKeyless()) {
        keyless.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e);
        continue;
      }
      if (e.op() == Op.TRUNCATE || e.op() == Op.RELOAD) {
        // a reload clears the table as a truncate at its position does
        truncates.merge(e.table(), e.lsn(), Math::max);
        byTable.computeIfAbsent(e.table(), t -> new LinkedHashMap<>());
        continue;
      }
      Map<Map<String, String>, ChangeEvent> rows =
          byTable.computeIfAbsent(e.table(), t -> new LinkedHashMap<>());
      rows.merge(e.key(), e, BatchReducer::newer);
    }
    Map<TableId, TableBatch> out = new LinkedHashMap<>();
    byTable.forEach(
        (t, rows) ->
            out.put(
                t,
                new TableBatch(t, new ArrayList<>(rows.values()), truncates.getOrDefault(t, -1L))));
    keyless.forEach((t, rows) -> out.put(t, new TableBatch(t, rows, -1)));
    return out;
  }

  /** Picks the newer of two changes to one key; later arrival wins a tie. */
  static ChangeEvent newer(ChangeEvent older, ChangeEvent candidate) {
    if (candidate.lsn() < older.lsn()) {
      return older;
    }
    if (candidate.unchanged().isEmpty() || older.after() == null) {
      return candidate;
    }
    Map<String, String> filled = new LinkedHashMap<>(candidate.after());
    Set<String> stillUnchanged = new HashSet<>();
    for (String column : candidate.unchanged()) {
      if (older.after().containsKey(column)) {
        filled.put(column, older.after().get(column));
      } else {
        stillUnchanged.add(column);
      }
    }
    return candidate.withRow(filled, stillUnchanged);
  }
}
