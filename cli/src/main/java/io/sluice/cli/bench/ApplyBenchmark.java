package io.sluice.cli.bench;

import io.sluice.apply.GroupBacklog;
import io.sluice.core.Lsn;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.bench.BenchSchema;
import io.sluice.embedded.bench.BenchWorkload;
import io.sluice.embedded.bench.BenchWorkload.Shape;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.bench.NativeReplication;
import io.sluice.embedded.bench.ResourceMeter;
import io.sluice.embedded.bench.ResourceUsage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The apply benchmark, start to end: embedded servers, identical preloads, sluice's snapshot
 * (untimed), then per transaction shape a workload queued while neither contender applies, a timed
 * sluice drain, a timed native drain, and finally a content check of both targets against the
 * source. The two drains never overlap, and every drain starts after a {@code CHECKPOINT} of both
 * servers.
 */
final class ApplyBenchmark {
  static final String SOURCE_DB = "bench";
  static final String SLUICE_DB = "bench";
  static final String NATIVE_DB = "bench_native";

  private final BenchOptions options;
  private final PrintWriter out;
  private final Waiter waiter;
  private final List<DrainResult> results = new ArrayList<>();

  ApplyBenchmark(BenchOptions options, PrintWriter out) {
    this.options = options;
    this.out = out;
    this.waiter = new Waiter(out, options.progressEvery());
  }

  /** Runs everything; returns 0 when both targets match the source, 1 otherwise. */
  int run() throws Exception {
    Machine machine = Machine.describe();
    say("sluice bench apply on %s", machine);
    say(
        "sizes: fills preloaded with %,d rows; a warm-up of %,d single-row changes; %,d rows as"
            + " single-row transactions, %,d rows in 100-row transactions; %d source sessions;"
            + " fills group with %d partitions",
        options.largeRows(),
        options.warmUpRows(),
        options.singleRows(),
        options.hundredRows(),
        options.sessions(),
        options.partitions());
    Files.createDirectories(options.workDir());
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(options.workDir().resolve("infrastructure"))
            .registerShutdownHook()) {
      String pgVersion = prepareServers(infra);
      say(
          "infrastructure up in %.1f s: PostgreSQL %s x2, Kafka, DynamoDB Local",
          infra.startupDuration().toMillis() / 1000.0, pgVersion);
      preload(infra);
      PipelineConfig config = BenchPipeline.write(infra, options, SOURCE_DB, SLUICE_DB);
      try (NativeReplication nativeRepl =
              NativeReplication.create(
                  infra.source(), SOURCE_DB, infra.target(), NATIVE_DB, tableIds());
          SluiceContender sluice = SluiceContender.start(config)) {
        say(
            "native: publication and disabled subscription %s (copy_data=false, binary=true,"
                + " streaming=parallel); its slot now keeps every change for it",
            NativeReplication.NAME);
        waiter.setFailureCheck(sluice::failure);
        snapshot(infra, sluice);
        BenchWorkload workload =
            new BenchWorkload(
                infra.source().jdbcUrl(SOURCE_DB), options.largeRows(), options.sessions());
        int round = 1;
        if (options.warmUpRows() > 0) {
          runShape(
              infra,
              sluice,
              nativeRepl,
              workload,
              Shape.SINGLE_ROW,
              options.warmUpRows(),
              round++,
              false);
        }
        for (Shape shape : Shape.values()) {
          long rows = shape == Shape.SINGLE_ROW ? options.singleRows() : options.hundredRows();
          runShape(infra, sluice, nativeRepl, workload, shape, rows, round++, true);
        }
      }
      boolean verified = new BenchVerifier(out).verify(infra, SOURCE_DB, SLUICE_DB, NATIVE_DB);
      BenchReport report = new BenchReport(machine, pgVersion, options, results);
      report.writeJson(options.workDir().resolve("bench-apply.json"), verified);
      if (!verified) {
        say("verification FAILED: the figures above are void");
        return 1;
      }
      report.print(out);
      return 0;
    }
  }

  private String prepareServers(EmbeddedInfrastructure infra) throws SQLException {
    infra.source().createDatabase(SOURCE_DB);
    infra.target().createDatabase(SLUICE_DB);
    infra.target().createDatabase(NATIVE_DB);
    return BenchServers.configure(infra);
  }

  private void preload(EmbeddedInfrastructure infra) throws Exception {
    long start = System.nanoTime();
    Thread nativeSide =
        new Thread(
            () -> {
              try (Connection c = infra.target().connect(NATIVE_DB)) {
                BenchSchema.create(c, options.largeRows());
              } catch (SQLException e) {
                throw new IllegalStateException("preload of the native target failed", e);
              }
            },
            "sluice-bench-preload");
    Throwable[] nativeFailure = new Throwable[1];
    nativeSide.setUncaughtExceptionHandler((t, e) -> nativeFailure[0] = e);
    nativeSide.start();
    try (Connection c = infra.source().connect(SOURCE_DB)) {
      BenchSchema.create(c, options.largeRows());
      BenchWorkload.install(c);
    }
    nativeSide.join();
    if (nativeFailure[0] != null) {
      throw new IllegalStateException(nativeFailure[0].getMessage(), nativeFailure[0]);
    }
    say(
        "preload: fills %,d rows and 3 small tables (13,000 rows) on the source and the native"
            + " target in %.1f s",
        options.largeRows(), (System.nanoTime() - start) / 1e9);
  }

  private void snapshot(EmbeddedInfrastructure infra, SluiceContender sluice) throws Exception {
    long start = System.nanoTime();
    try (Connection c = infra.target().connect(SLUICE_DB)) {
      disableAutovacuum(c);
    }
    sluice.startApply();
    say("sluice: capture snapshots the preload into Kafka and apply writes it (not timed)");
    waiter.await(
        "sluice snapshot",
        sluice::streaming,
        () ->
            say(
                "  snapshot: %,d rows captured, %,d applied",
                sluice.publishedEvents(), sluice.appliedEvents()));
    Lsn now = sluice.sourceLsn();
    waiter.await("capture after the snapshot", () -> sluice.slotConfirmed().compareTo(now) >= 0);
    GroupBacklog.EndOffsets ends = sluice.endOffsets();
    waiter.await(
        "apply of the snapshot",
        () -> sluice.checkpointsReached(ends),
        () -> say("  snapshot: %,d rows applied", sluice.appliedEvents()));
    sluice.stopApply();
    say(
        "sluice: snapshot of %,d rows captured and applied in %.1f s",
        sluice.publishedEvents(), (System.nanoTime() - start) / 1e9);
    vacuumAll(infra, true);
  }

  private void runShape(
      EmbeddedInfrastructure infra,
      SluiceContender sluice,
      NativeReplication nativeRepl,
      BenchWorkload workload,
      Shape shape,
      long rows,
      int round,
      boolean measured)
      throws Exception {
    say("");
    say(
        "== %s%s transactions: %s ==",
        measured ? "" : "warm-up (not measured): ", shape.label(), BenchWorkload.MIX);
    long published = sluice.publishedEvents();
    ResourceMeter captureMeter = ResourceMeter.start(infra.source(), infra.target());
    BenchWorkload.Result queued =
        workload.run(
            shape,
            rows,
            round,
            done ->
                say(
                    "  workload: %,d rows queued, %,d captured into Kafka",
                    done, sluice.publishedEvents() - published),
            options.progressEvery());
    say(
        "workload: %,d rows in %,d transactions in %.1f s (%,.0f rows/s, synchronous_commit=off),"
            + " source WAL now at %s",
        queued.rows(),
        queued.transactions(),
        queued.took().toNanos() / 1e9,
        queued.rowsPerSecond(),
        queued.endLsn());
    waiter.await(
        "capture of the workload",
        () -> sluice.slotConfirmed().compareTo(queued.endLsn()) >= 0,
        () -> say("  capture: %,d changes in Kafka", sluice.publishedEvents() - published));
    ResourceUsage capture = captureMeter.finish();
    long captured = sluice.publishedEvents() - published;
    say(
        "capture: %,d changes in Kafka %.1f s after the workload began; this JVM (capture, broker)"
            + " used %.1f CPU-s = %.1f CPU-s per million rows (not part of the drain figures)",
        captured,
        capture.wallSeconds(),
        capture.jvmCpuSeconds(),
        ResourceUsage.perMillion(capture.jvmCpuSeconds(), queued.rows()));
    say("  JVM CPU by thread during capture: %s", BenchReport.topThreads(capture, 8));
    if (captured != queued.rows()) {
      throw new IllegalStateException(
          "capture put "
              + captured
              + " changes into Kafka for "
              + queued.rows()
              + " changed rows; a change was lost or duplicated");
    }
    BenchServers.checkpoint(infra);
    DrainResult sluiceDrain = drainSluice(infra, sluice, shape, queued.rows());
    BenchServers.checkpoint(infra);
    DrainResult nativeDrain = drainNative(infra, nativeRepl, shape, queued);
    if (measured) {
      results.add(sluiceDrain);
      results.add(nativeDrain);
    }
    vacuumAll(infra, false);
  }

  private DrainResult drainSluice(
      EmbeddedInfrastructure infra, SluiceContender sluice, Shape shape, long rows)
      throws Exception {
    GroupBacklog.EndOffsets ends = sluice.endOffsets();
    DrainedCheck drained = new DrainedCheck(sluice, ends);
    ResourceMeter meter = ResourceMeter.start(infra.source(), infra.target());
    long start = System.nanoTime();
    sluice.startApply();
    waiter.await(
        "sluice drain",
        drained::holds,
        () ->
            say(
                "  sluice drain: %,d of %,d changes applied (%,.0f rows/s)",
                sluice.appliedEvents(),
                rows,
                sluice.appliedEvents() / ((System.nanoTime() - start) / 1e9)));
    ResourceUsage usage = meter.finish();
    long batches = sluice.appliedBatches();
    long applied = sluice.appliedEvents();
    sluice.stopApply();
    DrainResult r = new DrainResult(shape, "sluice", rows, usage);
    say("sluice drain: %s", r.summary());
    say(
        "  %,d changes in %,d target transactions (%,.0f changes each)",
        applied, batches, applied / (double) Math.max(1, batches));
    say("  sluice JVM CPU by thread: %s", BenchReport.topThreads(usage, 6));
    return r;
  }

  private DrainResult drainNative(
      EmbeddedInfrastructure infra,
      NativeReplication nativeRepl,
      Shape shape,
      BenchWorkload.Result queued)
      throws Exception {
    Lsn from = nativeRepl.confirmedFlush();
    double walBytes = queued.endLsn().value() - from.value();
    ResourceMeter meter = ResourceMeter.start(infra.source(), infra.target());
    long start = System.nanoTime();
    nativeRepl.enable();
    waiter.await(
        "native drain",
        () -> nativeRepl.confirmedFlush().compareTo(queued.endLsn()) >= 0,
        () -> {
          double done = nativeRepl.confirmedFlush().value() - from.value();
          say(
              "  native drain: %.0f%% of %,.0f MB of WAL confirmed (%,.0f s)",
              100 * Math.max(0, done) / walBytes,
              walBytes / 1e6,
              (System.nanoTime() - start) / 1e9);
          nativeRepl
              .applyErrors()
              .ifPresent(
                  e -> {
                    throw new IllegalStateException("native apply worker failed: " + e);
                  });
        });
    ResourceUsage usage = meter.finish();
    nativeRepl.disable(Duration.ofMinutes(1));
    DrainResult r = new DrainResult(shape, "native", queued.rows(), usage);
    say("native drain: %s", r.summary());
    say("  JVM CPU by thread during the native drain: %s", BenchReport.topThreads(usage, 6));
    return r;
  }

  /** Vacuums the benchmark tables of all three databases, between drains, never inside one. */
  private static void vacuumAll(EmbeddedInfrastructure infra, boolean freeze) throws SQLException {
    try (Connection source = infra.source().connect(SOURCE_DB);
        Connection sluice = infra.target().connect(SLUICE_DB);
        Connection nat = infra.target().connect(NATIVE_DB)) {
      BenchSchema.vacuum(source, freeze);
      BenchSchema.vacuum(sluice, freeze);
      BenchSchema.vacuum(nat, freeze);
    }
  }

  private static void disableAutovacuum(Connection target) throws SQLException {
    try (Statement st = target.createStatement()) {
      for (TableId t : tableIds()) {
        st.execute("ALTER TABLE " + t.quoted() + " SET (autovacuum_enabled = false)");
      }
    }
  }

  static List<TableId> tableIds() {
    return BenchSchema.tables().stream().map(t -> new TableId(BenchSchema.SCHEMA, t)).toList();
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
