package io.sluice.core.config;

import java.time.Duration;

/**
 * Settings of the apply workers.
 *
 * @param batchRows most changes in one batch
 * @param batchBytes most bytes of encoded changes fetched for one batch of one partition
 * @param batchLinger longest wait to fill a batch
 * @param truncate what a source TRUNCATE does, unless a group says otherwise
 * @param onBadData what a change the target refuses does, unless a group says otherwise
 */
public record ApplyConfig(
    int batchRows,
    int batchBytes,
    Duration batchLinger,
    TruncatePolicy truncate,
    BadDataPolicy onBadData) {

  /** Defaults for everything but the batch size and linger. */
  public ApplyConfig(int batchRows, Duration batchLinger) {
    this(batchRows, DEFAULT_BATCH_BYTES, batchLinger, TruncatePolicy.APPLY, BadDataPolicy.HALT);
  }

  public static final int DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
}
