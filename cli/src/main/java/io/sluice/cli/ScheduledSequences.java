package io.sluice.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.capture.CaptureSingleton;
import io.sluice.capture.sequences.SequenceSync;
import io.sluice.capture.sequences.SequenceValue;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.MetricNames;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.SourceConfig;
import io.sluice.core.config.TargetConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequences carried to the target on a schedule ({@code sequences.interval}): in the process that
 * leads capture, the sequences of every captured table and those of {@code sequences.include} are
 * carried (see {@link SequenceSync}), so that a cutover finds the target's sequences at most one
 * interval behind. A failed run is logged and counted and the next one tries again: it never stops
 * the pipeline.
 */
final class ScheduledSequences implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScheduledSequences.class);

  private final PipelineConfig config;
  private final CaptureSingleton capture;
  private final MeterRegistry meters;
  private final Clock clock;
  private final AtomicLong lastSuccess = new AtomicLong();
  private final ScheduledExecutorService timer;

  private ScheduledSequences(
      PipelineConfig config, CaptureSingleton capture, MeterRegistry meters, Clock clock) {
    this.config = config;
    this.capture = capture;
    this.meters = meters;
    this.clock = clock;
    Gauge.builder(MetricNames.SEQUENCES_LAST_SUCCESS, lastSuccess, AtomicLong::get)
        .description(
            "When sequences were last carried to the target clean, seconds since the epoch")
        .register(meters);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-sequences-" + config.name());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts the schedule; empty when {@code sequences.interval} is 0. */
  static Optional<ScheduledSequences> start(
      PipelineConfig config, CaptureSingleton capture, MeterRegistry meters, Clock clock) {
    Duration every = config.sequences().interval();
    if (every.isZero()) {
      return Optional.empty();
    }
    ScheduledSequences s = new ScheduledSequences(config, capture, meters, clock);
    s.timer.scheduleWithFixedDelay(
        s::carryIfLeader, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return Optional.of(s);
  }

  /** Carries the sequences once, if this process leads capture. */
  void carryIfLeader() {
    if (!capture.isLeader()) {
      return;
    }
    try {
      List<SequenceValue> carried = carry();
      lastSuccess.set(clock.instant().getEpochSecond());
      runs("ok").increment();
      log.debug(
          "carried {} sequences to the target, {} moved",
          carried.size(),
          carried.stream().filter(SequenceValue::moved).count());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      runs("failed").increment();
      log.warn(
          "carrying sequences to the target failed; the next run in {} tries again: {}",
          config.sequences().interval(),
          ErrorClassifier.describe(e));
    }
  }

  private List<SequenceValue> carry() throws Exception {
    SourceConfig s = config.source();
    TargetConfig t = config.target();
    try (Connection source =
            DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password().value());
        Connection target =
            DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password().value())) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      return SequenceSync.carry(
          source,
          target,
          capture.tables().ids(),
          config.sequences().include(),
          config.sequences().margin());
    }
  }

  private Counter runs(String outcome) {
    return Counter.builder(MetricNames.SEQUENCES_RUNS)
        .tag("outcome", outcome)
        .description("Scheduled runs carrying sequences to the target, by outcome")
        .register(meters);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
