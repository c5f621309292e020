package io.sluice.cli.bench;

import io.sluice.cli.Pipeline;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.bench.BenchSchema;
import io.sluice.embedded.bench.BenchWorkload;
import io.sluice.embedded.bench.LagProbe;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.bench.NativeReplication;
import io.sluice.embedded.bench.PacedWorkload;
import io.sluice.embedded.bench.ProbePoller;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The end-to-end benchmark, start to end: embedded servers; Debezium's raw rate on a database of
 * its own; the schema and probe table on the source and, seeded identically, on the native target;
 * native logical replication and sluice (as {@code sluice run} runs it, copy load first) both
 * streaming; the probe, its pollers and the paced workload; the steps ({@link E2eSteps}); and
 * finally both targets compared with the source.
 */
final class E2eBenchmark {
  static final String SOURCE_DB = "bench_e2e";
  static final String SLUICE_DB = "bench_e2e";
  static final String NATIVE_DB = "bench_e2e_native";
  static final String RAW_DB = "bench_e2e_raw";
  static final String GROUP = "fills";
  static final Duration PROBE_EVERY = Duration.ofMillis(100);
  static final Duration POLL_EVERY = Duration.ofMillis(5);
  private static final long CATCH_UP_SECONDS = 300;

  private final E2eOptions options;
  private final PrintWriter out;
  private final Waiter waiter;

  E2eBenchmark(E2eOptions options, PrintWriter out) {
    this.options = options;
    this.out = out;
    this.waiter = new Waiter(out, Duration.ofSeconds(5));
  }

  /** Runs everything; returns 0 when both targets end equal to the source, 1 otherwise. */
  int run() throws Exception {
    Machine machine = Machine.describe();
    say("sluice bench e2e on %s", machine);
    say(
        "fills preloaded with %,d rows; workload: %s; %s; %d source sessions, synchronous_commit=off;"
            + " a probe row every %d ms (synchronous commit), polled on each target every %d ms",
        options.rows(),
        BenchWorkload.MIX,
        PacedWorkload.SHAPE,
        options.sessions(),
        PROBE_EVERY.toMillis(),
        POLL_EVERY.toMillis());
    Files.createDirectories(options.workDir());
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(options.workDir().resolve("infrastructure"))
            .registerShutdownHook()) {
      infra.source().createDatabase(SOURCE_DB);
      infra.target().createDatabase(SLUICE_DB);
      infra.target().createDatabase(NATIVE_DB);
      String pgVersion = BenchServers.configure(infra);
      say(
          "infrastructure up in %.1f s: PostgreSQL %s x2, Kafka, DynamoDB Local",
          infra.startupDuration().toMillis() / 1000.0, pgVersion);
      Optional<DebeziumRawRate.Result> raw =
          options.rawChanges() > 0 ? Optional.of(rawRate(infra)) : Optional.empty();
      preload(infra);
      PipelineConfig config =
          pipeline(infra, options.workDir(), SOURCE_DB, SLUICE_DB, options.partitions());
      Measured m = measure(infra, config);
      boolean equal = m.equal();
      E2eReport report = new E2eReport(m.steps(), raw);
      report.writeJson(
          options.workDir().resolve("bench-e2e.json"), machine, pgVersion, options, equal);
      if (!equal) {
        say("verification FAILED: the figures below are void");
      }
      report.print(out);
      return equal ? 0 : 1;
    }
  }

  /** The steps, and whether both targets ended equal to the source. */
  private record Measured(List<E2eStep> steps, boolean equal) {}

  /** Both contenders streaming, the steps, and the check of both targets while they still run. */
  private Measured measure(EmbeddedInfrastructure infra, PipelineConfig config) throws Exception {
    try (NativeReplication nat =
            NativeReplication.create(
                infra.source(), SOURCE_DB, infra.target(), NATIVE_DB, tableIds());
        Pipeline pipeline = Pipeline.start(config)) {
      nat.enable();
      say(
          "native: publication and subscription %s (copy_data=false over identical seeds,"
              + " binary=true, streaming=parallel), enabled",
          NativeReplication.NAME);
      long start = System.nanoTime();
      List<E2eStep> steps;
      try (LagProbe probe = LagProbe.start(infra.source().connect(SOURCE_DB), PROBE_EVERY);
          ProbePoller sluiceLag =
              ProbePoller.start("sluice", infra.target().connect(SLUICE_DB), POLL_EVERY);
          ProbePoller nativeLag =
              ProbePoller.start("native", infra.target().connect(NATIVE_DB), POLL_EVERY);
          PacedWorkload workload =
              new PacedWorkload(
                  infra.source().jdbcUrl(SOURCE_DB), options.rows(), options.sessions())) {
        Supplier<Optional<Throwable>> failure =
            () ->
                Stream.of(
                        pipeline.failure(),
                        probe.failure(),
                        sluiceLag.failure(),
                        nativeLag.failure())
                    .flatMap(Optional::stream)
                    .findFirst();
        waiter.setFailureCheck(failure);
        long ready = probe.nextId() + 1;
        waiter.await(
            "both contenders streaming",
            () -> sluiceLag.seenAllBelow(ready) && nativeLag.seenAllBelow(ready),
            () -> say("  waiting for sluice's copy load and both contenders to stream..."));
        say(
            "sluice: copy load done and streaming, native streaming, %.1f s after the start",
            (System.nanoTime() - start) / 1e9);
        steps =
            new E2eSteps(
                    options,
                    out,
                    infra,
                    new SluiceMeters(pipeline.meters()),
                    probe,
                    sluiceLag,
                    nativeLag,
                    workload,
                    failure)
                .run();
      } finally {
        waiter.setFailureCheck(Optional::empty);
      }
      nat.applyErrors()
          .ifPresent(e -> say("native apply worker reported errors during the run: %s", e));
      return new Measured(steps, verify(infra));
    }
  }

  private DebeziumRawRate.Result rawRate(EmbeddedInfrastructure infra) throws Exception {
    infra.source().createDatabase(RAW_DB);
    try (Connection c = infra.source().connect(RAW_DB)) {
      BenchSchema.create(c, options.rows());
      BenchWorkload.install(c);
    }
    say("");
    say(
        "Debezium alone: %,d single-row changes committed first on a database of its own, then"
            + " read by a plain Debezium engine (pgoutput) whose consumer drops them...",
        options.rawChanges());
    DebeziumRawRate.Result r =
        DebeziumRawRate.measure(
            infra.source(), RAW_DB, options.rows(), options.rawChanges(), waiter);
    say(
        "Debezium alone: %,d records read in %.1f s (%,.0f records/s)",
        r.records(), r.seconds(), r.recordsPerSecond());
    infra.source().dropDatabase(RAW_DB);
    return r;
  }

  private void preload(EmbeddedInfrastructure infra) throws SQLException {
    long start = System.nanoTime();
    try (Connection source = infra.source().connect(SOURCE_DB);
        Connection nat = infra.target().connect(NATIVE_DB)) {
      BenchSchema.create(source, options.rows());
      LagProbe.createTable(source);
      BenchWorkload.install(source);
      BenchSchema.create(nat, options.rows());
      LagProbe.createTable(nat);
    }
    say("");
    say(
        "preload: fills %,d rows, 3 small tables and the probe table on the source and the native"
            + " target in %.1f s",
        options.rows(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * Waits until both targets equal the source, table by table (the workload has stopped; a table
   * may still be in flight), at most {@value #CATCH_UP_SECONDS} s; then compares once more,
   * printing any table that differs.
   */
  private boolean verify(EmbeddedInfrastructure infra) throws Exception {
    say("");
    say("verifying both targets against the source...");
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(CATCH_UP_SECONDS);
    try (Connection source = infra.source().connect(SOURCE_DB);
        Connection sluice = infra.target().connect(SLUICE_DB);
        Connection nat = infra.target().connect(NATIVE_DB)) {
      List<ComparedTable> tables = BenchVerifier.fromCatalog(source, tableIds());
      while (System.nanoTime() < deadline
          && !(equal(source, sluice, tables) && equal(source, nat, tables))) {
        TimeUnit.SECONDS.sleep(2);
      }
      BenchVerifier verifier = new BenchVerifier(out);
      long matching =
          Stream.concat(
                  verifier.compare(source, infra.target(), SLUICE_DB, "sluice", tables).stream(),
                  verifier.compare(source, infra.target(), NATIVE_DB, "native", tables).stream())
              .filter(r -> r.matches())
              .count();
      say(
          "verified: %d/%d tables match the source (sluice and native targets, %.1f s)",
          matching, 2 * tables.size(), (System.nanoTime() - start) / 1e9);
      return matching == 2L * tables.size();
    }
  }

  private static boolean equal(Connection source, Connection target, List<ComparedTable> tables)
      throws SQLException {
    return new TableComparator(source, target).compare(tables).stream().allMatch(r -> r.matches());
  }

  /** The benchmark tables and the probe table. */
  static List<TableId> tableIds() {
    return Stream.concat(BenchSchema.tables().stream(), Stream.of(LagProbe.TABLE))
        .map(t -> new TableId(BenchSchema.SCHEMA, t))
        .toList();
  }

  /**
   * The pipeline a user would write for these tables ({@code <work-dir>/pipeline.yaml}): the large
   * table and the probe table in one group, the small tables in another; the copy load; heartbeats
   * every second; every other setting sluice's default.
   */
  static PipelineConfig pipeline(
      EmbeddedInfrastructure infra, Path workDir, String sourceDb, String targetDb, int partitions)
      throws Exception {
    String yaml =
        """
        # Written by `sluice bench e2e`: the pipeline it measures on the embedded servers.
        pipeline:
          name: bench_e2e
        %s\
        capture:
          heartbeat-interval: 1s
        groups:
          - name: %s
            tables: [public.fills, public.%s]
            partitions: %d
          - name: small
            tables: [public.accounts, public.instruments, public.positions]
            partitions: %d
        """
            .formatted(
                infra.connectionYaml(sourceDb, targetDb, null, null),
                GROUP,
                LagProbe.TABLE,
                partitions,
                BenchPipeline.SMALL_GROUP_PARTITIONS);
    Files.createDirectories(workDir);
    Path file = workDir.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).load(file);
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
