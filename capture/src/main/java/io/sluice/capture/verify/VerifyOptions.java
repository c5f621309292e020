package io.sluice.capture.verify;

import io.sluice.core.schema.TableId;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code sluice verify} compares and how.
 *
 * @param group only this group's tables
 * @param table only this table
 * @param chunkRows about how many rows one chunk holds
 * @param samples how many keys of each kind of difference a table's verdict names
 * @param deadline how long to wait for apply to reach a snapshot and for changing rows to settle
 * @param repair whether differing rows are copied again from the source
 */
public record VerifyOptions(
    Optional<String> group,
    Optional<TableId> table,
    int chunkRows,
    int samples,
    Duration deadline,
    boolean repair) {
  public VerifyOptions {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk rows must be positive, was " + chunkRows);
    }
    if (samples < 0) {
      throw new IllegalArgumentException("samples must not be negative, was " + samples);
    }
  }

  /** Every table, 10,000-row chunks, 10 sample keys, 5 minutes, no repair. */
  public static VerifyOptions defaults() {
    return new VerifyOptions(
        Optional.empty(), Optional.empty(), 10_000, 10, Duration.ofMinutes(5), false);
  }
}
