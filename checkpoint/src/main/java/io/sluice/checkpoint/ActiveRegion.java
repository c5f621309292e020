package io.sluice.checkpoint;

import java.time.Instant;

/**
 * Which region runs a two-region pipeline: its processes capture and apply, the other region's
 * stand by.
 *
 * @param version the item's version, for conditional writes
 */
public record ActiveRegion(
    String region, String reason, String changedBy, Instant changedAt, long version) {}
