package io.sluice.cli.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.core.MetricNames;

/**
 * What the end-to-end benchmark reads from a running pipeline's meters, the same meters its admin
 * API exports: changes capture has had acknowledged by Kafka, changes apply has committed, and a
 * group's end-to-end lag ({@code sluice_apply_lag_seconds}).
 */
final class SluiceMeters {
  private final MeterRegistry registry;

  SluiceMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Streamed changes capture has sent to Kafka (snapshot rows left out). */
  long capturedEvents() {
    return (long)
        registry.find(MetricNames.CAPTURE_EVENTS).counters().stream()
            .filter(c -> !"snapshot".equals(c.getId().getTag("op")))
            .mapToDouble(Counter::count)
            .sum();
  }

  /** Changes the apply workers have committed to the target. */
  long appliedEvents() {
    return (long)
        registry.find(MetricNames.APPLY_EVENTS).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
  }

  /**
   * The group's lag as an alert would read it: the largest {@link MetricNames#APPLY_LAG} of its
   * partitions, in seconds; NaN before any partition has applied something.
   */
  double applyLagSeconds(String group) {
    return registry.find(MetricNames.APPLY_LAG).tag("group", group).gauges().stream()
        .mapToDouble(Gauge::value)
        .filter(v -> !Double.isNaN(v))
        .max()
        .orElse(Double.NaN);
  }
}
