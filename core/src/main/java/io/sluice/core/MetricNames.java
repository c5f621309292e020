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

  private MetricNames() {}
}
