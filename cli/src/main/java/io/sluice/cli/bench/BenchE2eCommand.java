package io.sluice.cli.bench;

import io.sluice.core.config.Durations;
import io.sluice.embedded.bench.BenchWorkload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bench e2e}: sluice and native logical replication side by side, both streaming from
 * one source into a target database each, under a steady workload at stepped rates; lag measured
 * the same way for both by probe rows.
 */
@Command(
    name = "e2e",
    mixinStandardHelpOptions = true,
    description = {
      "Run sluice (capture, Kafka, apply, as `sluice run` runs it) and native logical"
          + " replication side by side on embedded servers, each from the same source into a"
          + " target database of its own, under a steady workload in the trading shape at"
          + " stepped rates (--steps), then a ramp (--ramp-steps) that raises the rate until"
          + " neither contender sustains it. A probe row with the source's commit time every"
          + " 100 ms, polled on both targets, gives each its lag.",
      "Prints per step the lag percentiles of both, sluice's capture and apply rates,"
          + " CPU-seconds per million changes and live heap; Debezium's raw reading rate on this"
          + " box; and ends with the line 'e2e vs native logical replication: sustained <r>x"
          + " (sluice <a>/s, native <b>/s), p99 lag at 5000/s: sluice <x> ms, native <y> ms'.",
      "Exits 0 when both targets end equal to the source, 1 otherwise."
    })
public final class BenchE2eCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "200000",
      description = "Rows preloaded into the large table (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--steps",
      paramLabel = "RATE",
      split = ",",
      defaultValue = "1000,5000,10000",
      description = "Rates of the fixed steps, in changes/s (default: ${DEFAULT-VALUE}).")
  List<Integer> rates;

  @Option(
      names = "--step-duration",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long each fixed step runs (default: ${DEFAULT-VALUE}).")
  Duration stepDuration;

  @Option(
      names = "--warm-up",
      paramLabel = "DURATION",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description =
          "How long both contenders carry 1,000 changes/s before the first step, not measured"
              + " (default: ${DEFAULT-VALUE}; 0s for none).")
  Duration warmUp;

  @Option(
      names = "--ramp-steps",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Most ramp steps after the fixed ones, each --ramp-factor times the rate of the one"
              + " before; the ramp ends earlier when neither contender sustained the last step"
              + " or the source fell short (default: ${DEFAULT-VALUE}; 0 for no ramp).")
  int rampSteps;

  @Option(
      names = "--ramp-factor",
      paramLabel = "F",
      defaultValue = "1.25",
      description = "Rate of a ramp step over the previous step's (default: ${DEFAULT-VALUE}).")
  double rampFactor;

  @Option(
      names = "--ramp-step-duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long each ramp step runs (default: --step-duration).")
  Duration rampStepDuration;

  @Option(
      names = "--settle",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "The most to wait after a step for both targets to show its last probe"
              + " (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--soak",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Instead of the steps and the ramp: one long run at 5,000 changes/s, reported minute"
              + " by minute (lag and live heap), e.g. --soak 30m.")
  Duration soak;

  @Option(
      names = "--sessions",
      paramLabel = "N",
      defaultValue = "2",
      description = "Source sessions of the workload (default: ${DEFAULT-VALUE}).")
  int sessions;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "4",
      description = "Partitions of the large table's group (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--raw-changes",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "Changes of the burst Debezium's raw rate is measured on (default: ${DEFAULT-VALUE};"
              + " 0 to skip).")
  long rawChanges;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/sluice-bench-e2e",
      description = "Directory for every file the benchmark writes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    E2eOptions options =
        new E2eOptions(
            rows,
            rates,
            stepDuration,
            warmUp,
            rampSteps,
            rampFactor,
            rampStepDuration != null ? rampStepDuration : stepDuration,
            settle,
            Optional.ofNullable(soak),
            sessions,
            partitions,
            rawChanges,
            workDir);
    validate(options);
    return new E2eBenchmark(options, spec.commandLine().getOut()).run();
  }

  private void validate(E2eOptions o) {
    List<String> problems = new ArrayList<>();
    if (o.rates().isEmpty() || o.rates().stream().anyMatch(r -> r < 100)) {
      problems.add("--steps must list rates of at least 100 changes/s.");
    }
    if (o.stepDuration().toSeconds() < 3 || o.rampStepDuration().toSeconds() < 3) {
      problems.add("--step-duration and --ramp-step-duration must be at least 3s.");
    }
    if (o.warmUp().isNegative() || o.settle().isNegative()) {
      problems.add("--warm-up and --settle must not be negative.");
    }
    if (o.rampSteps() < 0 || o.rampFactor() <= 1.0) {
      problems.add("--ramp-steps must be 0 or more and --ramp-factor above 1.");
    }
    if (o.soak().isPresent() && o.soak().get().toSeconds() < 1) {
      problems.add("--soak must be at least 1s.");
    }
    if (o.sessions() < 1 || o.sessions() > BenchWorkload.MAX_SESSIONS) {
      problems.add("--sessions must be 1 to " + BenchWorkload.MAX_SESSIONS + ".");
    } else if (o.rows() <= 100L * o.sessions()) {
      problems.add("--rows must exceed 100 per session (" + 100L * o.sessions() + " here).");
    }
    if (o.partitions() < 1 || o.partitions() > 64) {
      problems.add("--partitions must be 1 to 64.");
    }
    if (o.rawChanges() < 0) {
      problems.add("--raw-changes must be 0 or more.");
    }
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join(" ", problems));
    }
  }

  /** Durations as sluice's configuration takes them: 500ms, 20s, 30m, 1h or ISO-8601. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }
}
