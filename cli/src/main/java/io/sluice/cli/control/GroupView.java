package io.sluice.cli.control;

import java.util.List;

/**
 * One table group as operators see it, in `sluice ctl status` and on the admin API: desired state,
 * each worker's actual state, and each partition's owner, checkpoint and lag.
 *
 * @param actual the group's actual state, from its workers: RUNNING, PAUSED, PAUSING (paused but
 *     some worker still applying), HALTED, STANDBY, or UNKNOWN when no worker reported
 */
public record GroupView(
    String group,
    String desired,
    String reason,
    String changedBy,
    String changedAt,
    String actual,
    List<Worker> workers,
    List<Partition> partitions,
    String lastError) {

  /** What one worker last reported. */
  public record Worker(
      String worker, String state, List<Integer> partitions, String lastError, String reportedAt) {}

  /**
   * One partition of the group's topic.
   *
   * @param owner the worker holding the lease, empty when none holds it now
   * @param checkpoint the next offset to apply, per the stored checkpoint (0 before any)
   * @param lagEvents changes in Kafka past the checkpoint
   * @param lagSeconds age of the newest applied change while changes wait, else 0; -1 unknown
   */
  public record Partition(
      int partition,
      String owner,
      long leaseEpoch,
      String leaseExpires,
      long checkpoint,
      String checkpointLsn,
      long endOffset,
      long lagEvents,
      double lagSeconds) {}
}
