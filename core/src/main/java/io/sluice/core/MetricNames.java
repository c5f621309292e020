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

  private MetricNames() {}
}
