package io.sluice.cli;

import io.sluice.apply.ApplyWorker;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.Durations;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import io.sluice.embedded.verify.TableComparison;
import io.sluice.embedded.workload.ChangeGenerator;
import io.sluice.embedded.workload.TradingSchema;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs a whole pipeline on embedded infrastructure: two PostgreSQL servers, a Kafka broker and
 * DynamoDB Local on loopback, a trading schema with a change generator, then verifies every table.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start PostgreSQL (source and target), Kafka and DynamoDB Local on loopback, create a"
          + " trading schema, replicate a steady mix of changes, then compare every table.",
      "Stops on Ctrl-C or after --duration; exits 0 only when every table matches."
    })
final class DemoCommand implements Callable<Integer> {
  /** The wall clock: the demo reports elapsed times and lag as a person sees them. */
  private static final Clock CLOCK = Clock.systemUTC();

  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      description = "How long to generate changes, e.g. 60s or 5m (default: until Ctrl-C).")
  String duration;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "500",
      description = "Source changes per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--fills-rows",
      paramLabel = "N",
      defaultValue = "100000",
      description = "Rows in the fills table before capture starts (default: ${DEFAULT-VALUE}).")
  int fillsRows;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/sluice-demo",
      description = "Directory for every file the demo writes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    Duration runFor = parseDuration();
    if (rate <= 0 || fillsRows < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rate must be positive and --fills-rows must not be negative");
    }
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onInterrupt(stop::countDown);
    Files.createDirectories(workDir);
    out.printf("sluice demo: starting PostgreSQL x2, Kafka and DynamoDB Local under %s%n", workDir);
    out.flush();
    Instant started = CLOCK.instant();
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(workDir.resolve("infrastructure")).registerShutdownHook()) {
      out.printf("infrastructure up in %.1f s%n", infra.startupDuration().toMillis() / 1000.0);
      infra.source().createDatabase("trading");
      infra.target().createDatabase("trading");
      try (Connection source = infra.source().connect("trading")) {
        TradingSchema.create(source, fillsRows);
      }
      out.printf(
          "source schema: fills (%,d rows) and %d reference tables%n",
          fillsRows, TradingSchema.referenceTables().size());
      PipelineConfig config = config(infra);
      return run(infra, config, runFor, stop, out, started);
    }
  }

  private int run(
      EmbeddedInfrastructure infra,
      PipelineConfig config,
      Duration runFor,
      CountDownLatch stop,
      PrintWriter out,
      Instant started)
      throws Exception {
    List<TableComparison> results;
    long generated;
    try (Pipeline pipeline = Pipeline.start(config);
        DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb())) {
      Path token = workDir.resolve("admin-token");
      Files.writeString(token, config.admin().operateToken().value());
      out.printf(
          "admin API on http://localhost:%d; try: ./sluice ctl --api http://localhost:%d"
              + " --token \"$(cat %s)\" status%n",
          pipeline.adminPort(), pipeline.adminPort(), token);
      out.printf(
          "metrics on http://localhost:%d/metrics, readiness on http://localhost:%d/ready%n",
          pipeline.adminPort(), pipeline.adminPort());
      StatusPrinter status = new StatusPrinter(out, pipeline);
      while (!pipeline.capture().orElseThrow().stats().streaming()
          && pipeline.failure().isEmpty()) {
        if (stop.await(1, TimeUnit.SECONDS)) {
          break;
        }
        status.print();
      }
      out.printf(
          "snapshot captured; pipeline started in %.1f s; generating %.0f changes/s%s%n",
          Duration.between(started, CLOCK.instant()).toMillis() / 1000.0,
          rate,
          runFor == null ? " until Ctrl-C" : " for " + runFor.toSeconds() + " s");
      Instant streamStart = CLOCK.instant();
      try (ChangeGenerator generator =
          ChangeGenerator.start(infra.source().jdbcUrl("trading"), rate, 42)) {
        Instant end = runFor == null ? null : streamStart.plus(runFor);
        while (pipeline.failure().isEmpty() && generator.failure().isEmpty()) {
          long wait =
              end == null
                  ? 2000
                  : Math.min(2000, Math.max(0, Duration.between(CLOCK.instant(), end).toMillis()));
          if (stop.await(wait, TimeUnit.MILLISECONDS)
              || (end != null && !CLOCK.instant().isBefore(end))) {
            break;
          }
          status.print();
        }
        generated = generator.committedChanges();
        generator.failure().ifPresent(e -> out.println("change generator failed: " + e));
      }
      out.println("stopping the change generator; waiting for apply to catch up...");
      out.flush();
      boolean caughtUp =
          new CatchUp(config, dynamo)
              .await(Duration.ofMinutes(5), () -> pipeline.failure().isPresent());
      double seconds = Duration.between(streamStart, CLOCK.instant()).toMillis() / 1000.0;
      status.print();
      if (pipeline.failure().isPresent()) {
        out.println("pipeline failed: " + pipeline.failure().get().getMessage());
      } else if (!caughtUp) {
        out.println("apply did not catch up within 5 minutes");
      } else {
        out.printf(
            "carried %,d source changes in %.1f s (%,.0f changes/s), from the first change until"
                + " the target caught up%n",
            generated, seconds, generated / seconds);
      }
      results = compare(infra);
    }
    long matching = results.stream().filter(TableComparison::matches).count();
    for (TableComparison r : results) {
      if (!r.matches()) {
        out.println("MISMATCH " + r);
      }
    }
    out.printf("verified: %d/%d tables match%n", matching, results.size());
    out.flush();
    return matching == results.size() ? 0 : 1;
  }

  private static List<TableComparison> compare(EmbeddedInfrastructure infra) throws Exception {
    try (Connection source = infra.source().connect("trading");
        Connection target = infra.target().connect("trading")) {
      List<ComparedTable> tables = new ArrayList<>();
      for (String t : TradingSchema.allTables()) {
        tables.add(ComparedTable.fromCatalog(source, TradingSchema.SCHEMA, t));
      }
      return new TableComparator(source, target).compare(tables);
    }
  }

  private Duration parseDuration() {
    if (duration == null) {
      return null;
    }
    try {
      Duration d = Durations.parse(duration);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("--duration must be positive");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private PipelineConfig config(EmbeddedInfrastructure infra) throws Exception {
    // An operate token for this run only, so `sluice ctl --api` can be tried against the demo.
    String token = java.util.UUID.randomUUID().toString();
    return tradingPipeline(
        "demo",
        infra,
        workDir.resolve("pipeline.yaml"),
        4,
        Map.of("SLUICE_ADMIN_OPERATE_TOKEN", token));
  }

  /**
   * The pipeline over the trading schema in database {@code trading} on the embedded servers: the
   * {@code fills}, {@code ref_*} and {@code cfg_*} groups; written to {@code file} for the user to
   * read, then loaded with the given overrides.
   */
  static PipelineConfig tradingPipeline(
      String name,
      EmbeddedInfrastructure infra,
      Path file,
      int fillsPartitions,
      Map<String, String> overrides)
      throws Exception {
    String yaml =
        """
        # Written by `sluice %s`: the pipeline it runs on the embedded infrastructure.
        pipeline:
          name: %s
        %s\
        capture:
          heartbeat-interval: 1s
        groups:
          - name: fills
            tables: [public.fills]
            partitions: %d
          - name: reference
            tables: ["public.ref_*"]
            partitions: 2
          - name: config
            tables: ["public.cfg_*"]
            partitions: 1
        """
            .formatted(
                name,
                name,
                infra.connectionYaml("trading", "trading", null, null),
                fillsPartitions);
    Files.writeString(file, yaml);
    return new ConfigLoader(overrides).load(file);
  }

  /** Prints one status line per group, redrawn in place on a terminal. */
  private static final class StatusPrinter {
    private final PrintWriter out;
    private final Pipeline pipeline;
    private final boolean terminal = System.console() != null;
    private int linesDrawn;

    StatusPrinter(PrintWriter out, Pipeline pipeline) {
      this.out = out;
      this.pipeline = pipeline;
    }

    void print() {
      if (terminal && linesDrawn > 0) {
        out.print("\033[" + linesDrawn + "F");
      }
      Instant now = CLOCK.instant();
      for (ApplyWorker w : pipeline.workers()) {
        out.println(
            (terminal ? "\033[2K" : "")
                + GroupStatus.of(pipeline.capture().orElseThrow().stats(), w, now).line());
      }
      linesDrawn = terminal ? pipeline.workers().size() : 0;
      out.flush();
    }
  }
}
