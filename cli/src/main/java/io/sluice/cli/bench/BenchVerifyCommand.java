package io.sluice.cli.bench;

import io.sluice.apply.TargetWriter;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.Pipeline;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.bench.LoadSchema;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code sluice bench verify}: how fast {@code sluice verify} proves the load benchmark's large
 * table equal on both sides, against the naive full-table comparison in the same run.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Generate the load benchmark's large table (fills) on an embedded source, replicate it with"
          + " a sluice pipeline, then time, twice each and alternating: sluice verify of the"
          + " table, and the naive comparison (each side's MD5 over its rows' MD5s in key order,"
          + " both sides at once).",
      "Ends with the line 'verify ratio vs naive full-table hash: R (sluice A rows/s)'. Exits 0"
          + " when both found the table equal, 1 otherwise."
    })
public final class BenchVerifyCommand implements Callable<Integer> {
  /** The load is given up when the target's row count has not grown for this long. */
  private static final Duration STALLED = Duration.ofMinutes(2);

  private static final String SOURCE_DB = "bench_verify";
  private static final String TARGET_DB = "bench_verify_target";

  @Spec CommandSpec spec;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "10000000",
      description = "Rows of fills (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/sluice-bench-verify",
      description = "Directory for every file the benchmark writes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    if (rows < 1) {
      throw new IllegalArgumentException("--rows must be positive, was " + rows);
    }
    out = spec.commandLine().getOut();
    say("sluice bench verify on %s", Machine.describe());
    LoadSchema schema = new LoadSchema(rows, 1);
    Files.createDirectories(workDir);
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(workDir.resolve("infrastructure")).registerShutdownHook()) {
      BenchServers.configure(infra);
      long start = System.nanoTime();
      infra.source().createDatabase(SOURCE_DB);
      schema.generate(infra.source(), SOURCE_DB);
      infra.target().createDatabase(TARGET_DB);
      say("source: fills, %,d rows, generated in %.1f s", rows, (System.nanoTime() - start) / 1e9);
      PipelineConfig config = pipeline(infra);
      try (Pipeline pipeline = Pipeline.start(config);
          Connection source = infra.source().connect(SOURCE_DB);
          Connection target = infra.target().connect(TARGET_DB);
          DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb())) {
        start = System.nanoTime();
        long loaded = 0;
        long progressAt = start;
        for (long n = count(target); n < rows; n = count(target)) {
          if (pipeline.failure().isPresent()) {
            throw new IllegalStateException("the pipeline failed", pipeline.failure().get());
          }
          if (n > loaded) {
            loaded = n;
            progressAt = System.nanoTime();
          } else if (System.nanoTime() - progressAt > STALLED.toNanos()) {
            throw new IllegalStateException(
                String.format(
                    "the copy load stalled: the target has held %,d of %,d rows for %d s",
                    n, rows, STALLED.toSeconds()));
          }
          Thread.sleep(500);
        }
        say("target: loaded by sluice's copy load in %.1f s", (System.nanoTime() - start) / 1e9);
        ComparedTable fills =
            BenchVerifier.fromCatalog(source, List.of(schema.large().id())).get(0);
        count(source); // both sides read once, so neither contender pays for a cold cache
        Verifier verifier =
            new Verifier(
                config,
                new DynamoDbApplyCheckpointStore(
                    dynamo, new StateTables(config.dynamoDb().tablePrefix())),
                () -> new TargetWriter()::write,
                Clock.systemUTC());
        double sluice = Double.MAX_VALUE;
        double naive = Double.MAX_VALUE;
        boolean equal = true;
        for (int round = 1; round <= 2; round++) {
          long t0 = System.nanoTime();
          VerifyReport r =
              verifier.run(
                  new VerifyOptions(
                      Optional.of("fills"),
                      Optional.empty(),
                      config.verify().chunkRows(),
                      10,
                      Duration.ofMinutes(10),
                      false),
                  line -> {});
          double s = (System.nanoTime() - t0) / 1e9;
          sluice = Math.min(sluice, s);
          equal &= r.matches();
          say(
              "round %d: sluice verify %.1f s (%,.0f rows/s), %s",
              round, s, rows / s, r.matches() ? "match" : "DIFFERS: " + r.tables());
          t0 = System.nanoTime();
          boolean same = naive(infra, fills);
          double n = (System.nanoTime() - t0) / 1e9;
          naive = Math.min(naive, n);
          equal &= same;
          say(
              "round %d: naive full-table hash %.1f s (%,.0f rows/s), %s",
              round, n, rows / n, same ? "match" : "DIFFERS");
        }
        say(
            "verify ratio vs naive full-table hash: %.2f (sluice %,.0f rows/s)",
            naive / sluice, rows / sluice);
        return equal ? 0 : 1;
      }
    }
  }

  /** Each side's count and MD5 over its rows' MD5s in key order, both sides at once. */
  private static boolean naive(EmbeddedInfrastructure infra, ComparedTable table) throws Exception {
    String sql = TableComparator.hashQuery(table);
    ExecutorService sides = Executors.newFixedThreadPool(2);
    try {
      Future<String> s = sides.submit(() -> digest(infra.source().connect(SOURCE_DB), sql));
      Future<String> t = sides.submit(() -> digest(infra.target().connect(TARGET_DB), sql));
      return s.get().equals(t.get());
    } finally {
      sides.shutdownNow();
    }
  }

  private static String digest(Connection c, String sql) throws Exception {
    try (c;
        Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute("SET extra_float_digits = 3");
      try (ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1) + ":" + rs.getString(2);
      }
    }
  }

  private static long count(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM public.fills")) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      return 0; // not created yet
    }
  }

  private PipelineConfig pipeline(EmbeddedInfrastructure infra) throws Exception {
    String yaml =
        """
        # Written by `sluice bench verify`: the pipeline whose target it verifies.
        pipeline:
          name: bench_verify
        %s\
        capture:
          heartbeat-interval: 1s
        groups:
          - name: fills
            tables: [public.fills]
            partitions: 4
          - name: small
            tables: [public.small_01]
            partitions: 1
        """
            .formatted(infra.connectionYaml(SOURCE_DB, TARGET_DB, null, null));
    Path file = workDir.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).load(file);
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
