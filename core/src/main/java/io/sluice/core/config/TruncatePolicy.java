package io.sluice.core.config;

/** What apply does with a source TRUNCATE of a captured table. */
public enum TruncatePolicy {
  /** Empty the target table, in order with the group's other changes. */
  APPLY,
  /** Keep the target's rows; later changes still apply. */
  IGNORE,
  /** Stop the group with an error naming the table, so an operator decides. */
  HALT
}
