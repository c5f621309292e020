package io.sluice.core.config;

import java.time.Duration;

/** Settings of the apply workers. */
public record ApplyConfig(int batchRows, Duration batchLinger) {}
