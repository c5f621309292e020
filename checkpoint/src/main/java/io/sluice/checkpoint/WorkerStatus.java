package io.sluice.checkpoint;

import java.time.Instant;
import java.util.List;

/**
 * What one apply worker reports about the group it applies: its actual state, the partitions it
 * owns, its last error and when it last reported.
 */
public record WorkerStatus(
    String group,
    String worker,
    ActualState state,
    List<Integer> partitions,
    String lastError,
    Instant reportedAt) {
  public WorkerStatus {
    partitions = List.copyOf(partitions);
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
    /** Stopped on an error; see the last error. */
    HALTED,
    /** Shut down. */
    STOPPED
  }
}
