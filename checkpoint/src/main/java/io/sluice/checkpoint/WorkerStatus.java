package io.sluice.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one apply worker reports about the group it applies: its actual state, the partitions it
 * owns, the source commit time of the newest change it applied per partition (for lag in seconds),
 * its last error and when it last reported. Capture processes report under the group {@code
 * :capture}, with the source commit time of the newest change or heartbeat captured as partition
 * 0's.
 */
public record WorkerStatus(
    String group,
    String worker,
    ActualState state,
    List<Integer> partitions,
    Map<Integer, Long> appliedSourceMicros,
    String lastError,
    Instant reportedAt) {
  public WorkerStatus {
    partitions = List.copyOf(partitions);
    appliedSourceMicros = Map.copyOf(appliedSourceMicros);
    lastError = lastError == null ? "" : lastError;
  }

  /** What a worker is doing. */
  public enum ActualState {
    /** Applying the partitions it owns. */
    RUNNING,
    /** Stopped at a batch boundary with its checkpoints written, because the group is paused. */
    PAUSED,
    /** Owns no partition: every one is owned by another worker. */
    STANDBY,
    /**
     * Waiting for a dependency that fails (the target, the source, Kafka or DynamoDB), trying again
     * with backoff by itself; see the last error.
     */
    RETRYING,
    /** Stopped on an error a person must act on; see the last error. */
    HALTED,
    /** Shut down. */
    STOPPED
  }
}
