package io.sluice.checkpoint;

/** What operators want a table group to do. */
public enum DesiredState {
  RUNNING,
  PAUSED
}
