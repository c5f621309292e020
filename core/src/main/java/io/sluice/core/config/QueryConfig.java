package io.sluice.core.config;

import java.time.Duration;

/**
 * Settings of query capture ({@link CaptureMethod#QUERY}).
 *
 * @param pollInterval how long capture waits between the end of one poll and the start of the next
 * @param lookback how far below the stored watermark of a time-typed watermark column each poll
 *     reads again, for transactions that commit late with an older value (and clocks behind)
 * @param lookbackIds how far below the stored watermark of a numeric watermark column each poll
 *     reads again
 * @param diffInterval how often each diff and watermark table is compared with the target
 */
public record QueryConfig(
    Duration pollInterval, Duration lookback, long lookbackIds, Duration diffInterval) {}
