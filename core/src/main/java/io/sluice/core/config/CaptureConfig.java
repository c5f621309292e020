package io.sluice.core.config;

import java.time.Duration;

/** Settings of the capture service. */
public record CaptureConfig(Duration heartbeatInterval) {}
