package io.sluice.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.apply.TargetWriter;
import io.sluice.capture.CaptureSingleton;
import io.sluice.capture.verify.TableVerdict;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbVerifyRecords;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.MetricNames;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification on a schedule ({@code verify.interval}, or a group's {@code verify-interval}): in
 * the process that leads capture, each group is verified on its schedule, one group at a time, as
 * {@code sluice verify --group G} does without repair, and the outcome is kept in the {@code
 * sluice_verify_*} metrics (runs by result, chunks and rows compared, the differences of the last
 * run, the last clean time) for dashboards and the {@code SluiceVerifyDifferences} alert.
 */
final class ScheduledVerify implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScheduledVerify.class);

  private final PipelineConfig config;
  private final CaptureSingleton capture;
  private final Verifier verifier;
  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<String, AtomicLong> differences = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastClean = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final DynamoDbVerifyRecords outcomes;

  private ScheduledVerify(
      PipelineConfig config,
      CaptureSingleton capture,
      ApplyCheckpointStore checkpoints,
      DynamoDbVerifyRecords outcomes,
      MeterRegistry meters,
      Clock clock) {
    this.config = config;
    this.outcomes = outcomes;
    this.capture = capture;
    this.meters = meters;
    this.clock = clock;
    this.verifier = new Verifier(config, checkpoints, () -> new TargetWriter()::write, clock);
    for (GroupConfig g : config.groups()) {
      AtomicLong d = differences.computeIfAbsent(g.name(), k -> new AtomicLong());
      AtomicLong c = lastClean.computeIfAbsent(g.name(), k -> new AtomicLong());
      Gauge.builder(MetricNames.VERIFY_DIFFERENCES, d, AtomicLong::get)
          .tag("group", g.name())
          .description("Keys that differed in the group's last scheduled verification")
          .register(meters);
      Gauge.builder(MetricNames.VERIFY_LAST_CLEAN, c, AtomicLong::get)
          .tag("group", g.name())
          .description("When the group last verified clean, seconds since the epoch")
          .register(meters);
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-verify-" + config.name());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts each group's schedule ({@code groups[].verify-interval}, by default {@code
   * verify.interval}); empty when no group has one.
   */
  static Optional<ScheduledVerify> start(
      PipelineConfig config,
      CaptureSingleton capture,
      ApplyCheckpointStore checkpoints,
      DynamoDbVerifyRecords outcomes,
      MeterRegistry meters,
      Clock clock) {
    if (config.groups().stream().allMatch(g -> config.verifyInterval(g).isZero())) {
      return Optional.empty();
    }
    ScheduledVerify s = new ScheduledVerify(config, capture, checkpoints, outcomes, meters, clock);
    for (GroupConfig g : config.groups()) {
      Duration every = config.verifyInterval(g);
      if (!every.isZero()) {
        // one thread: groups are verified one at a time
        s.timer.scheduleWithFixedDelay(
            () -> s.verify(g), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    return Optional.of(s);
  }

  /** Verifies the group once, if this process leads capture. */
  void verify(GroupConfig g) {
    if (!capture.isLeader()) {
      return;
    }
    try {
      VerifyReport r =
          verifier.run(
              new VerifyOptions(
                  Optional.of(g.name()),
                  Optional.empty(),
                  config.verify().chunkRows(),
                  10,
                  config.verify().deadline(),
                  false),
              line -> log.debug("verify: {}", line));
      record(g.name(), r);
      VerifyOutcomes.record(outcomes, r, clock.instant());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      counter(g.name(), "not_verified").increment();
      log.warn(
          "scheduled verification of group {} failed: {}", g.name(), ErrorClassifier.describe(e));
    }
  }

  private void record(String group, VerifyReport r) {
    boolean compared = r.tables().stream().allMatch(t -> t.problem().isEmpty());
    long differing =
        r.tables().stream()
            .mapToLong(t -> t.missing() + t.extra() + t.different() + t.unsettled())
            .sum();
    counter(group, !compared ? "not_verified" : r.matches() ? "match" : "differ").increment();
    Counter.builder(MetricNames.VERIFY_CHUNKS)
        .tag("group", group)
        .register(meters)
        .increment(r.tables().stream().mapToInt(TableVerdict::chunks).sum());
    Counter.builder(MetricNames.VERIFY_ROWS)
        .tag("group", group)
        .register(meters)
        .increment(r.rows());
    if (compared) {
      differences.get(group).set(differing);
    }
    if (r.matches()) {
      lastClean.get(group).set(clock.instant().getEpochSecond());
      log.info("scheduled verification of group {}: {} rows match", group, r.rows());
    } else {
      r.tables().stream()
          .filter(t -> !t.matches())
          .forEach(t -> log.warn("scheduled verification of group {}: {}", group, t));
    }
  }

  private Counter counter(String group, String result) {
    return Counter.builder(MetricNames.VERIFY_RUNS)
        .tag("group", group)
        .tag("result", result)
        .description("Scheduled verifications of a group, by result")
        .register(meters);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
