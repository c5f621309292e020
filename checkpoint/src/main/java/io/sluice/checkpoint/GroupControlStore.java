package io.sluice.checkpoint;

import java.util.List;

/** Desired and actual state of table groups, with an audit trail of every change. */
public interface GroupControlStore {
  /** The group's desired state; {@link GroupControl#initial} when nobody changed it yet. */
  GroupControl get(String group);

  /**
   * Sets the group's desired state and records the change in the audit trail, atomically; does
   * nothing (and returns false) when the group is already in that state.
   */
  boolean set(String group, DesiredState desired, String reason, String by);

  /** The group's audit trail, newest first, at most {@code limit} records. */
  List<AuditRecord> audit(String group, int limit);

  /** Stores what a worker reports about itself, replacing its previous report. */
  void report(WorkerStatus status);

  /** The latest report of every worker of the group. */
  List<WorkerStatus> workers(String group);
}
