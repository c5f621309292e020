package io.sluice.cli.bench;

import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.bench.LoadSchema;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.bench.ResourceMeter;
import io.sluice.embedded.bench.ResourceUsage;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparison;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The load benchmark, start to end: embedded servers, the tables generated on the source, then for
 * each contender in turn a fresh target database, a timed load and a check of every table against
 * the source; finally the report. Loads never overlap, and each starts after a {@code CHECKPOINT}
 * of both servers.
 */
final class LoadBenchmark {
  static final String SOURCE_DB = "bench_load";

  private final LoadOptions options;
  private final PrintWriter out;
  private final List<LoadContender> contenders;

  /**
   * Every contender, in the order they run. The sluice contender is added here: one instance of a
   * {@link LoadContender} named {@value LoadReport#SLUICE}.
   */
  static List<LoadContender> contenders() {
    return List.of(
        new BinaryCopyContender(1),
        new BinaryCopyContender(2),
        new NativeSyncContender(),
        new SluiceLoadContender());
  }

  LoadBenchmark(LoadOptions options, PrintWriter out, List<LoadContender> contenders) {
    this.options = options;
    this.out = out;
    this.contenders = List.copyOf(contenders);
  }

  /** Runs everything; returns 0 when every contender loaded every table correctly, 1 otherwise. */
  int run() throws Exception {
    Machine machine = Machine.describe();
    say("sluice bench load on %s", machine);
    LoadSchema schema = new LoadSchema(options.rows(), options.smallTables());
    say(
        "sizes: fills %,d rows and %d small tables of %,d to %,d rows, %,d rows in all;"
            + " contenders %s",
        options.rows(),
        options.smallTables(),
        schema.small().get(schema.small().size() - 1).rows(),
        schema.small().get(0).rows(),
        schema.totalRows(),
        contenders.stream().map(LoadContender::name).toList());
    Files.createDirectories(options.workDir());
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(options.workDir().resolve("infrastructure"))
            .registerShutdownHook()) {
      String pgVersion = BenchServers.configure(infra);
      say(
          "infrastructure up in %.1f s: PostgreSQL %s x2, Kafka, DynamoDB Local",
          infra.startupDuration().toMillis() / 1000.0, pgVersion);
      long start = System.nanoTime();
      infra.source().createDatabase(SOURCE_DB);
      schema.generate(infra.source(), SOURCE_DB);
      say(
          "source: %d tables, %,d rows generated in database %s and frozen in %.1f s",
          schema.tables().size(), schema.totalRows(), SOURCE_DB, (System.nanoTime() - start) / 1e9);
      List<ComparedTable> compared;
      try (Connection source = infra.source().connect(SOURCE_DB)) {
        compared = BenchVerifier.fromCatalog(source, schema.tableIds());
      }
      List<LoadResult> results = new ArrayList<>();
      for (LoadContender contender : contenders) {
        results.add(runOne(infra, schema, compared, contender));
      }
      LoadReport report = new LoadReport(machine, pgVersion, options, schema, results);
      report.writeJson(options.workDir().resolve("bench-load.json"));
      report.print(out);
      return results.stream().allMatch(LoadResult::verified) ? 0 : 1;
    }
  }

  private LoadResult runOne(
      EmbeddedInfrastructure infra,
      LoadSchema schema,
      List<ComparedTable> compared,
      LoadContender contender)
      throws Exception {
    String name = contender.name();
    String targetDb = "load_" + name.replace('-', '_');
    say("");
    say("== %s: into fresh database %s ==", name, targetDb);
    infra.target().createDatabase(targetDb);
    if (!contender.createsTargetTables()) {
      try (Connection target = infra.target().connect(targetDb)) {
        schema.createTables(target);
      }
    }
    Path workDir = options.workDir().resolve(name);
    Files.createDirectories(workDir);
    LoadProgress progress =
        new LoadProgress(out, name, schema.totalRows(), options.progressEvery());
    LoadRun run =
        new LoadRun(
            infra,
            SOURCE_DB,
            targetDb,
            schema,
            workDir,
            progress,
            new Waiter(out, options.progressEvery()));
    BenchServers.checkpoint(infra);
    Optional<String> failure = Optional.empty();
    ResourceMeter meter = ResourceMeter.start(infra.source(), infra.target());
    ResourceUsage usage;
    try {
      contender.load(run);
    } catch (Exception e) {
      failure = Optional.of(e.toString());
      say("%s FAILED: %s", name, stackTrace(e));
    } finally {
      usage = meter.finish();
    }
    try {
      contender.afterLoad(run);
    } catch (Exception e) {
      failure = Optional.of(failure.map(f -> f + "; then ").orElse("") + e);
      say("%s FAILED to clean up after its load: %s", name, stackTrace(e));
    }
    int tables = schema.tables().size();
    LoadResult result = new LoadResult(name, schema.totalRows(), tables, usage, 0, failure);
    if (failure.isEmpty()) {
      say("%s load: %s", name, result.summary());
      say("  JVM CPU by thread: %s", BenchReport.topThreads(usage, 6));
      result = verify(infra, targetDb, name, compared, result);
    }
    if (result.verified()) {
      infra.target().dropDatabase(targetDb);
    } else {
      say("%s: database %s on the target is kept for inspection", name, targetDb);
    }
    return result;
  }

  private LoadResult verify(
      EmbeddedInfrastructure infra,
      String targetDb,
      String name,
      List<ComparedTable> compared,
      LoadResult loaded)
      throws Exception {
    long start = System.nanoTime();
    int matching = 0;
    try (Connection source = infra.source().connect(SOURCE_DB)) {
      for (TableComparison c :
          new BenchVerifier(out).compare(source, infra.target(), targetDb, name, compared)) {
        matching += c.matches() ? 1 : 0;
      }
    }
    say(
        "verified: %d/%d tables match the source (%s target, %.1f s)",
        matching, compared.size(), name, (System.nanoTime() - start) / 1e9);
    return new LoadResult(
        loaded.contender(),
        loaded.rows(),
        loaded.tables(),
        loaded.usage(),
        matching,
        loaded.failure());
  }

  private static String stackTrace(Exception e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return trace.toString().strip();
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
