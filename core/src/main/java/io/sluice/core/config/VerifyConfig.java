package io.sluice.core.config;

import java.time.Duration;

/**
 * Settings of verification ({@code sluice verify}, and the scheduled one).
 *
 * @param interval how often the capturing process verifies every group; zero: never
 * @param chunkRows about how many rows one chunk holds
 * @param deadline how long to wait for apply to reach a snapshot and for changed rows to settle
 */
public record VerifyConfig(Duration interval, int chunkRows, Duration deadline) {}
