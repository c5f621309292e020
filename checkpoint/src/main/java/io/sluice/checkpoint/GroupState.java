package io.sluice.checkpoint;

import io.sluice.checkpoint.WorkerStatus.ActualState;
import java.util.Collection;

/**
 * The actual state of a table group, from its desired state and the states its reachable workers
 * report: the worst a worker is in wins (halted, then retrying), then whether any applies.
 */
public enum GroupState {
  /** No reachable worker has reported. */
  UNKNOWN,
  /** A worker stopped on an error. */
  HALTED,
  /** A worker retries against a failing target, DynamoDB or lease. */
  RETRYING,
  /** Paused by an operator, but a worker still applies (its batch in flight, or a slow poll). */
  PAUSING,
  RUNNING,
  PAUSED,
  /** Workers are up but none holds a partition. */
  STANDBY;

  /**
   * @param workers the states of the workers that reported recently (the unreachable left out)
   */
  public static GroupState of(GroupControl desired, Collection<ActualState> workers) {
    if (workers.isEmpty()) {
      return UNKNOWN;
    }
    if (workers.contains(ActualState.HALTED)) {
      return HALTED;
    }
    if (workers.contains(ActualState.RETRYING)) {
      return RETRYING;
    }
    if (workers.contains(ActualState.RUNNING)) {
      return desired.paused() ? PAUSING : RUNNING;
    }
    if (workers.contains(ActualState.PAUSED)) {
      return PAUSED;
    }
    return STANDBY;
  }
}
