package io.sluice.core.config;

import java.time.Duration;

/**
 * Settings of the capture service.
 *
 * @param heartbeatInterval how often capture writes a heartbeat
 * @param leaseTimeout how long the capturing process holds the pipeline's capture lease without
 *     renewing it; a standby takes over after it
 * @param load how the tables' existing rows are copied on a first start
 * @param tableDiscoveryInterval how often a running capture process looks for tables that joined or
 *     left the groups (zero: never)
 * @param method how changes are read: logical decoding, or queries (Greenplum)
 * @param query the settings of query capture
 */
public record CaptureConfig(
    Duration heartbeatInterval,
    Duration leaseTimeout,
    LoadConfig load,
    Duration tableDiscoveryInterval,
    CaptureMethod method,
    QueryConfig query) {}
