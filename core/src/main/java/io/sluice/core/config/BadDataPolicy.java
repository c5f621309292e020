package io.sluice.core.config;

/** What apply does with a change the target refuses as bad data (SQLSTATE classes 22, 23). */
public enum BadDataPolicy {
  /** Stop the group with an error naming table, key and reason (the default). */
  HALT,
  /** Send the change to the group's dead-letter topic and go on with the rest of the batch. */
  DEAD_LETTER
}
