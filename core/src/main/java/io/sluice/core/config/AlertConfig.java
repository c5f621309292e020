package io.sluice.core.config;

import java.time.Duration;

/**
 * Alert thresholds sluice exports as metrics, so that one set of alert rules serves every group.
 *
 * @param lag lag past which a group's warning fires (a group may override it)
 * @param lagCritical lag past which a group's critical alert fires
 * @param paused how long a group may stay paused before its alert fires (a group may override it)
 */
public record AlertConfig(Duration lag, Duration lagCritical, Duration paused) {}
