package io.sluice.core;

/**
 * Every metric name sluice exports, in one place. Names are {@code sluice.<module>.<noun>} in base
 * units; dashboards and alert rules use only these.
 */
public final class MetricNames {
  /** Changes read from the source and acknowledged by Kafka, tagged {@code group}. */
  public static final String CAPTURE_EVENTS = "sluice.capture.events";

  /** Changes committed to the target, tagged {@code group}. */
  public static final String APPLY_EVENTS = "sluice.apply.events";

  /** Seconds between the source commit and the target commit of the last applied change. */
  public static final String APPLY_LAG = "sluice.apply.lag";

  /**
   * Target errors met by apply, tagged {@code group} and {@code error_class} ({@code retriable},
   * {@code bad_data}, {@code fatal}).
   */
  public static final String APPLY_ERRORS = "sluice.apply.errors";

  /** Changes sent to a group's dead-letter topic, tagged {@code group} and {@code table}. */
  public static final String APPLY_DEAD_LETTERS = "sluice.apply.dead.letters";

  /** Source TRUNCATEs seen by apply, tagged {@code group}, {@code table}, {@code outcome}. */
  public static final String APPLY_TRUNCATES = "sluice.apply.truncates";

  /** 1 while a group is paused, else 0; tagged {@code group}. */
  public static final String APPLY_PAUSED = "sluice.apply.paused";

  /** Seconds a group has been paused, 0 while it runs; tagged {@code group}. */
  public static final String APPLY_PAUSED_DURATION = "sluice.apply.paused.duration";

  /** Partitions of a group whose lease a worker holds; tagged {@code group}. */
  public static final String APPLY_LEASES = "sluice.apply.leases";

  /**
   * Changes in a group's topic not yet applied by the partitions a worker owns; tagged {@code
   * group}.
   */
  public static final String APPLY_BACKLOG = "sluice.apply.backlog";

  private MetricNames() {}
}
