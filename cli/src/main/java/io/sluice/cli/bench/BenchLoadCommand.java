package io.sluice.cli.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bench load}: how fast an initial load copies every table of a source database into
 * an empty target, by sluice against the references: single-stream and two-stream binary COPY, and
 * PostgreSQL's own initial table synchronization.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a large table and many small ones on an embedded source server, then time the"
          + " initial load of all of them into a fresh target database by each contender in turn:"
          + " single-stream binary COPY (copy-1), two-stream binary COPY (copy-2) and native"
          + " logical replication's initial sync (native).",
      "Prints rows/s, CPU-seconds per million rows and peak heap of each, checks every target"
          + " table against the source, and ends with the line"
          + " 'load references: COPY B rows/s, 2-stream COPY D rows/s, native sync C rows/s', or,"
          + " once a sluice contender runs,"
          + " 'load ratio vs single-stream COPY: R (sluice A rows/s, COPY B rows/s, native sync C"
          + " rows/s)'.",
      "Exits 0 when every target matches the source, 1 when one does not or a load failed."
    })
public final class BenchLoadCommand implements Callable<Integer> {
  static final long ROWS = 10_000_000;
  static final long QUICK_ROWS = 200_000;
  static final int MAX_SMALL_TABLES = 99;

  @Spec CommandSpec spec;

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "Rows of the large table, fills (default: 10,000,000; --quick: 200,000).")
  Long rows;

  @Option(names = "--quick", description = "A smaller default of --rows, for a smoke run.")
  boolean quick;

  @Option(
      names = "--small-tables",
      paramLabel = "N",
      defaultValue = "40",
      description =
          "Small tables beside fills, of 200,000 down to 50 rows (default: ${DEFAULT-VALUE}).")
  int smallTables;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/sluice-bench-load",
      description = "Directory for every file the benchmark writes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    LoadOptions options =
        new LoadOptions(
            rows != null ? rows : quick ? QUICK_ROWS : ROWS,
            smallTables,
            workDir,
            Duration.ofSeconds(quick ? 2 : 5));
    validate(options);
    return new LoadBenchmark(options, spec.commandLine().getOut(), LoadBenchmark.contenders())
        .run();
  }

  private void validate(LoadOptions o) {
    StringBuilder problems = new StringBuilder();
    if (o.rows() < 1) {
      problems.append("--rows must be positive, was ").append(o.rows()).append(". ");
    }
    if (o.smallTables() < 1 || o.smallTables() > MAX_SMALL_TABLES) {
      problems
          .append("--small-tables must be 1 to ")
          .append(MAX_SMALL_TABLES)
          .append(", was ")
          .append(o.smallTables())
          .append(". ");
    }
    if (problems.length() > 0) {
      throw new ParameterException(spec.commandLine(), problems.toString().trim());
    }
  }
}
