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
 * @param leaseTimeout how long a worker owns a partition without renewing its lease
 * @param controlPoll how often a worker reads its group's desired state (pause, resume)
 * @param checkpointInterval most time between checkpoint writes of a partition that applies
 */
public record ApplyConfig(
    int batchRows,
    int batchBytes,
    Duration batchLinger,
    TruncatePolicy truncate,
    BadDataPolicy onBadData,
    Duration leaseTimeout,
    Duration controlPoll,
    Duration checkpointInterval) {}
