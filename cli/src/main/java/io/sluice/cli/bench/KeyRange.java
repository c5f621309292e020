package io.sluice.cli.bench;

import io.sluice.core.schema.TableId;
import java.util.ArrayList;
import java.util.List;

/**
 * A range of a bigint key, {@code from <= key < to}, open at an end where the bound is null. The
 * ranges of one {@link #split} cover every key exactly once, whatever the keys are.
 */
record KeyRange(Long from, Long to) {
  static final KeyRange ALL = new KeyRange(null, null);

  /**
   * Cuts the key space into at most {@code parts} ranges of about equal rows, at quantiles read
   * from {@code sortedBounds}: sorted keys that divide the rows into equal shares, such as a
   * column's {@code pg_stats.histogram_bounds} (or every key). With two parts the cut is the
   * median. Cuts that coincide merge, so fewer ranges may come back; the first and last range are
   * open, so that keys beyond the bounds still fall in one.
   */
  static List<KeyRange> split(long[] sortedBounds, int parts) {
    List<Long> cuts = new ArrayList<>();
    for (int i = 1; i < parts && sortedBounds.length > 0; i++) {
      long cut = sortedBounds[(int) Math.round((double) i * (sortedBounds.length - 1) / parts)];
      if (cuts.isEmpty() || cut > cuts.get(cuts.size() - 1)) {
        cuts.add(cut);
      }
    }
    List<KeyRange> ranges = new ArrayList<>(cuts.size() + 1);
    Long from = null;
    for (long cut : cuts) {
      ranges.add(new KeyRange(from, cut));
      from = cut;
    }
    ranges.add(new KeyRange(from, null));
    return List.copyOf(ranges);
  }

  /** Whether {@code key} lies in this range. */
  boolean contains(long key) {
    return (from == null || key >= from) && (to == null || key < to);
  }

  /** A {@code WHERE} clause on {@code column} selecting this range, or "" for all keys. */
  String where(String column) {
    String c = TableId.quote(column);
    if (from == null && to == null) {
      return "";
    }
    if (from == null) {
      return " WHERE " + c + " < " + to;
    }
    if (to == null) {
      return " WHERE " + c + " >= " + from;
    }
    return " WHERE " + c + " >= " + from + " AND " + c + " < " + to;
  }

  @Override
  public String toString() {
    return "[" + (from == null ? "" : from) + ", " + (to == null ? "" : to) + ")";
  }
}
