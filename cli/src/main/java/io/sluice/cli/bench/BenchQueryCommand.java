package io.sluice.cli.bench;

import io.sluice.cli.Pipeline;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.bench.LoadSchema;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import io.sluice.embedded.verify.TableComparison;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bench query}: how fast query capture (the Greenplum path) carries a stream of
 * updates to the target, against log capture (Debezium reading the slot) of the same updates on the
 * same source, in the same run.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Generate the load benchmark's large table (fills, with an index on updated_at) on an"
          + " embedded source. Then, once with log capture and once with query capture (fills"
          + " followed by its updated_at watermark, default poll interval and look-back), each"
          + " into a target database of its own: load the table, commit --updates row updates"
          + " in transactions of --batch rows as fast as one session can, and time until the"
          + " target holds them all; then compare the whole table exactly.",
      "Ends with the line 'query capture ratio vs log capture: R (query A rows/s, log B"
          + " rows/s)'. Exits 0 when both targets ended equal to the source, 1 otherwise."
    })
public final class BenchQueryCommand implements Callable<Integer> {
  private static final String SOURCE_DB = "bench_query";

  @Spec CommandSpec spec;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Rows of fills (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--updates",
      paramLabel = "N",
      defaultValue = "200000",
      description = "Row updates committed in each run (default: ${DEFAULT-VALUE}).")
  long updates;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Rows updated per transaction (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/sluice-bench-query",
      description = "Directory for every file the benchmark writes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  private PrintWriter out;

  /** One run's figures. */
  private record Run(double seconds, double catchUpSeconds, boolean equal) {}

  @Override
  public Integer call() throws Exception {
    if (rows < 1 || updates < 1 || batch < 1) {
      throw new IllegalArgumentException("--rows, --updates and --batch must be positive");
    }
    out = spec.commandLine().getOut();
    say("sluice bench query on %s", Machine.describe());
    Files.createDirectories(workDir);
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(workDir.resolve("infrastructure")).registerShutdownHook()) {
      BenchServers.configure(infra);
      long start = System.nanoTime();
      infra.source().createDatabase(SOURCE_DB);
      new LoadSchema(rows, 1).generate(infra.source(), SOURCE_DB);
      try (Connection c = infra.source().connect(SOURCE_DB);
          Statement st = c.createStatement()) {
        st.execute("CREATE INDEX ON public.fills (updated_at)");
        st.execute("ANALYZE public.fills");
      }
      say("source: fills, %,d rows, generated in %.1f s", rows, (System.nanoTime() - start) / 1e9);
      Run log = run(infra, "log");
      Run query = run(infra, "query");
      say(
          "query capture ratio vs log capture: %.2f (query %,.0f rows/s, log %,.0f rows/s)",
          (updates / query.seconds()) / (updates / log.seconds()),
          updates / query.seconds(),
          updates / log.seconds());
      return log.equal() && query.equal() ? 0 : 1;
    }
  }

  private Run run(EmbeddedInfrastructure infra, String method) throws Exception {
    String targetDb = "bench_query_" + method;
    infra.target().createDatabase(targetDb);
    PipelineConfig config = pipeline(infra, method, targetDb);
    try (Pipeline pipeline = Pipeline.start(config);
        Connection source = infra.source().connect(SOURCE_DB);
        Connection target = infra.target().connect(targetDb)) {
      long start = System.nanoTime();
      awaitTarget(pipeline, target, "SELECT count(*)::text FROM public.fills", Long.toString(rows));
      say("%s: loaded %,d rows in %.1f s", method, rows, (System.nanoTime() - start) / 1e9);
      source.setAutoCommit(false);
      long first = System.nanoTime();
      try (var ps =
          source.prepareStatement(
              "UPDATE public.fills SET qty = qty + 1, updated_at = clock_timestamp()"
                  + " WHERE fill_id BETWEEN ? AND ?")) {
        for (long done = 0; done < updates; done += batch) {
          long from = 1 + done % rows;
          ps.setLong(1, from);
          ps.setLong(2, Math.min(rows, from + Math.min(batch, updates - done) - 1));
          ps.executeUpdate();
          source.commit();
        }
      }
      long last = System.nanoTime();
      source.setAutoCommit(true);
      awaitTarget(pipeline, target, SUM, value(source, SUM));
      long done = System.nanoTime();
      Run r = new Run((done - first) / 1e9, (done - last) / 1e9, compare(source, target).matches());
      say(
          "%s: %,d updates committed in %.1f s; target held them all %.1f s after the first"
              + " commit (%,.0f rows/s), %.1f s after the last; table %s",
          method,
          updates,
          (last - first) / 1e9,
          r.seconds(),
          updates / r.seconds(),
          r.catchUpSeconds(),
          r.equal() ? "equal" : "DIFFERS");
      return r;
    }
  }

  private static TableComparison compare(Connection source, Connection target) throws Exception {
    ComparedTable fills =
        BenchVerifier.fromCatalog(
                source, List.of(new TableId(LoadSchema.SCHEMA, LoadSchema.LARGE_TABLE)))
            .get(0);
    return new TableComparator(source, target).compare(fills);
  }

  /** Changes with every update; equal on both sides once the target holds them all. */
  private static final String SUM = "SELECT sum(qty)::text FROM public.fills";

  private static void awaitTarget(Pipeline pipeline, Connection target, String sql, String value)
      throws Exception {
    while (true) {
      if (pipeline.failure().isPresent()) {
        throw new IllegalStateException("the pipeline failed", pipeline.failure().get());
      }
      try (Statement st = target.createStatement();
          ResultSet rs = st.executeQuery(sql)) {
        if (rs.next() && value.equals(rs.getString(1))) {
          return;
        }
      } catch (java.sql.SQLException e) {
        // the table is not created yet
      }
      Thread.sleep(100);
    }
  }

  private static String value(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private PipelineConfig pipeline(EmbeddedInfrastructure infra, String method, String targetDb)
      throws Exception {
    String yaml =
        """
        # Written by `sluice bench query`: the %s capture run.
        pipeline:
          name: bench_query_%s
        %s\
        capture:
          heartbeat-interval: 1s
          method: %s
        groups:
          - name: fills
            tables: [public.fills]
            partitions: 4
            watermark: {public.fills: updated_at}
        """
            .formatted(
                method, method, infra.connectionYaml(SOURCE_DB, targetDb, null, null), method);
    Path file = workDir.resolve("pipeline-" + method + ".yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).load(file);
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
