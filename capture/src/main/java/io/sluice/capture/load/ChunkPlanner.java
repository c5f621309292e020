package io.sluice.capture.load;

import io.sluice.checkpoint.LoadChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Splits the captured tables into the chunks of an initial load. A table keyed by one integer
 * column whose estimate exceeds {@code chunkRows} is split into key ranges of about that many rows
 * (by the spread of its keys, so gaps make chunks smaller, never larger than the range); every
 * other table is one chunk. Larger tables come first, so parallel streams share the long work and
 * the small tables fill in at the end.
 */
final class ChunkPlanner {
  private ChunkPlanner() {}

  /** One table as the planner sees it. */
  record TableSize(String table, long estimatedRows, Optional<KeyRange> keys, boolean keyless) {
    TableSize(String table, long estimatedRows, Optional<KeyRange> keys) {
      this(table, estimatedRows, keys, false);
    }
  }

  /** The least and greatest key of a table keyed by one integer column. */
  record KeyRange(String column, long min, long max) {}

  static List<LoadChunk> plan(List<TableSize> tables, long chunkRows) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunkRows must be positive, was " + chunkRows);
    }
    List<TableSize> bySize = new ArrayList<>(tables);
    bySize.sort(
        Comparator.comparing((TableSize t) -> !t.keyless())
            .thenComparing(Comparator.comparingLong(TableSize::estimatedRows).reversed())
            .thenComparing(TableSize::table));
    List<LoadChunk> out = new ArrayList<>();
    for (TableSize t : bySize) {
      long rows = Math.max(0, t.estimatedRows());
      if (t.keys().isEmpty() || rows <= chunkRows) {
        out.add(LoadChunk.whole(t.table(), rows));
        continue;
      }
      KeyRange k = t.keys().get();
      int parts = (int) Math.min(Integer.MAX_VALUE, (rows + chunkRows - 1) / chunkRows);
      // the span of keys, as a long double-checked against overflow at the extremes
      double span = (double) k.max() - (double) k.min() + 1;
      long step = (long) Math.max(1, Math.ceil(span / parts));
      long perChunk = rows / parts;
      long lower = k.min();
      for (int i = 0; i < parts; i++) {
        boolean first = i == 0;
        boolean last = i == parts - 1 || lower > k.max() - step;
        long upper = last ? 0 : lower + step;
        out.add(
            new LoadChunk(
                t.table(),
                i,
                Optional.of(k.column()),
                first ? Optional.empty() : Optional.of(Long.toString(lower)),
                last ? Optional.empty() : Optional.of(Long.toString(upper)),
                last ? rows - perChunk * i : perChunk));
        if (last) {
          break;
        }
        lower = upper;
      }
    }
    return out;
  }
}
