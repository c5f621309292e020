package io.sluice.checkpoint;

import java.time.Instant;

/**
 * The desired state of a table group, as operators last set it.
 *
 * @param reason why, as the operator gave it (empty for a group never paused)
 * @param by who changed it
 * @param at when; null for a group never changed
 * @param version grows by one with every change; 0 for a group never changed
 */
public record GroupControl(
    String group, DesiredState desired, String reason, String by, Instant at, long version) {
  /** A group nobody has paused: running. */
  public static GroupControl initial(String group) {
    return new GroupControl(group, DesiredState.RUNNING, "", "", null, 0);
  }

  public boolean paused() {
    return desired == DesiredState.PAUSED;
  }
}
