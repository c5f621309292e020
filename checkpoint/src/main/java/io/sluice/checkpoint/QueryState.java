package io.sluice.checkpoint;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where query capture of a pipeline stands: the positions it may have used, the last one whose
 * changes Kafka holds, and per table its mode, watermark and last diff.
 *
 * <p>Query capture numbers its polls and diffs with positions from one sequence per pipeline, so
 * they order as log positions do: a row read by a later poll or diff carries a higher position.
 * Positions are taken in blocks, the block recorded here before any of it is used, so a capture
 * that crashed never hands out a position again.
 *
 * @param reserved every position up to this one may be in use; the next start begins above it
 * @param completed the position of the last poll whose changes Kafka acknowledged and whose
 *     watermarks are stored here (the load's position before the first poll)
 * @param completedFromMicros the source's clock (epoch microseconds) read just before that poll
 *     took its snapshot: a snapshot taken earlier than this holds nothing that poll missed
 * @param tables per table, by qualified name
 */
public record QueryState(
    long reserved, long completed, long completedFromMicros, Map<String, TableState> tables) {
  public QueryState {
    tables = Collections.unmodifiableMap(new TreeMap<>(tables));
  }

  /**
   * One table's place.
   *
   * @param mode the table's query mode when this was stored ({@code watermark}, {@code
   *     append-only}, {@code diff})
   * @param column its watermark column, empty for a diff table
   * @param watermark the highest watermark value read, as the source prints it; empty until the
   *     table's first read
   * @param diffedAt when its last diff finished (an ISO instant), empty before the first
   */
  public record TableState(
      String mode, String column, Optional<String> watermark, Optional<String> diffedAt) {}

  public QueryState withTables(Map<String, TableState> next) {
    return new QueryState(reserved, completed, completedFromMicros, next);
  }
}
