package io.sluice.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How query capture follows a group's tables: the watermark column of each {@link
 * QueryMode#WATERMARK} and {@link QueryMode#APPEND_ONLY} table, by qualified name; every other
 * table of the group is a {@link QueryMode#DIFF} table.
 *
 * @param diffInterval this group's diff interval; empty means {@code capture.query.diff-interval}
 */
public record QueryTables(
    Map<String, String> watermark,
    Map<String, String> appendOnly,
    Optional<Duration> diffInterval) {
  public static final QueryTables NONE = new QueryTables(Map.of(), Map.of(), Optional.empty());

  public QueryTables {
    watermark = Collections.unmodifiableMap(new TreeMap<>(watermark));
    appendOnly = Collections.unmodifiableMap(new TreeMap<>(appendOnly));
  }

  /** The mode of a table of the group, by qualified name. */
  public QueryMode mode(String table) {
    if (watermark.containsKey(table)) {
      return QueryMode.WATERMARK;
    }
    return appendOnly.containsKey(table) ? QueryMode.APPEND_ONLY : QueryMode.DIFF;
  }

  /** The watermark column of a watermark or append-only table. */
  public Optional<String> watermarkColumn(String table) {
    return Optional.ofNullable(watermark.getOrDefault(table, appendOnly.get(table)));
  }
}
