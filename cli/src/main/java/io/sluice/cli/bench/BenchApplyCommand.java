package io.sluice.cli.bench;

import io.sluice.embedded.bench.BenchWorkload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bench apply}: how fast sluice drains a queued change backlog, against PostgreSQL's
 * native logical replication between the same two servers, for single-row and 100-row transactions.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Queue a change backlog on embedded servers while apply is stopped, then time how fast"
          + " sluice drains it and how fast native logical replication (publication/subscription"
          + " between the same two servers) drains the same backlog; once for single-row and once"
          + " for 100-row transactions.",
      "Prints rows/s, CPU-seconds per million rows and peak heap of both, checks both targets"
          + " against the source, and ends with the line"
          + " 'apply ratio vs native logical replication: single-row R1, 100-row R2'.",
      "Exits 0 when both targets match the source, 1 when they do not."
    })
public final class BenchApplyCommand implements Callable<Integer> {
  static final long LARGE_ROWS = 1_000_000;
  static final long SINGLE_ROWS = 600_000;
  static final long HUNDRED_ROWS = 2_000_000;
  static final long WARM_UP_ROWS = 100_000;
  static final long QUICK_LARGE_ROWS = 20_000;
  static final long QUICK_SINGLE_ROWS = 2_000;
  static final long QUICK_HUNDRED_ROWS = 20_000;
  static final long QUICK_WARM_UP_ROWS = 1_000;

  @Spec CommandSpec spec;

  @Option(
      names = "--large-rows",
      paramLabel = "N",
      description = "Rows preloaded into the large table (default: 1,000,000; --quick: 20,000).")
  Long largeRows;

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "Rows changed as single-row transactions (default: 600,000; --quick: 2,000).")
  Long singleRows;

  @Option(
      names = "--rows-100",
      paramLabel = "N",
      description = "Rows changed in 100-row transactions (default: 2,000,000; --quick: 20,000).")
  Long hundredRows;

  @Option(
      names = "--warm-up-rows",
      paramLabel = "N",
      description =
          "Rows changed as single-row transactions and drained by both contenders before anything"
              + " is measured, so the JVM's compiled code has seen streamed changes, as in a"
              + " pipeline that has been running (default: 100,000; --quick: 1,000; 0 for none).")
  Long warmUpRows;

  @Option(
      names = "--quick",
      description = "Small default sizes for a smoke run of well under a minute.")
  boolean quick;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "4",
      description = "Partitions of the large table's group (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--sessions",
      paramLabel = "N",
      defaultValue = "2",
      description = "Source sessions queueing the workload (default: ${DEFAULT-VALUE}).")
  int sessions;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/sluice-bench",
      description = "Directory for every file the benchmark writes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    BenchOptions options =
        new BenchOptions(
            size(largeRows, LARGE_ROWS, QUICK_LARGE_ROWS),
            size(singleRows, SINGLE_ROWS, QUICK_SINGLE_ROWS),
            size(hundredRows, HUNDRED_ROWS, QUICK_HUNDRED_ROWS),
            size(warmUpRows, WARM_UP_ROWS, QUICK_WARM_UP_ROWS),
            partitions,
            sessions,
            workDir,
            Duration.ofSeconds(quick ? 2 : 5));
    validate(options);
    return new ApplyBenchmark(options, spec.commandLine().getOut()).run();
  }

  private long size(Long given, long normal, long smoke) {
    return given != null ? given : quick ? smoke : normal;
  }

  private void validate(BenchOptions o) {
    StringBuilder problems = new StringBuilder();
    if (o.singleRows() < 1 || o.hundredRows() < 1) {
      problems.append("--rows and --rows-100 must be positive. ");
    }
    if (o.warmUpRows() < 0) {
      problems.append("--warm-up-rows must be 0 or more. ");
    }
    if (o.partitions() < 1 || o.partitions() > 64) {
      problems.append("--partitions must be 1 to 64. ");
    }
    if (o.sessions() < 1 || o.sessions() > BenchWorkload.MAX_SESSIONS) {
      problems.append("--sessions must be 1 to ").append(BenchWorkload.MAX_SESSIONS).append(". ");
    } else if (o.largeRows() <= 100L * o.sessions()) {
      problems
          .append("--large-rows must exceed 100 per session (")
          .append(100L * o.sessions())
          .append(" here). ");
    }
    if (problems.length() > 0) {
      throw new ParameterException(spec.commandLine(), problems.toString().trim());
    }
  }
}
