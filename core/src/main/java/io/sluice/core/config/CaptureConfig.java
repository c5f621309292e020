package io.sluice.core.config;

import java.time.Duration;

/**
 * Settings of the capture service.
 *
 * @param heartbeatInterval how often capture writes a heartbeat
 * @param leaseTimeout how long the capturing process holds the pipeline's capture lease without
 *     renewing it; a standby takes over after it
 */
public record CaptureConfig(Duration heartbeatInterval, Duration leaseTimeout) {}
