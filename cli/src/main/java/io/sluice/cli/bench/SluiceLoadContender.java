package io.sluice.cli.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.apply.TargetWriter;
import io.sluice.capture.CaptureMetrics;
import io.sluice.capture.CaptureSingleton;
import io.sluice.capture.CapturedTables;
import io.sluice.capture.load.LoadListener;
import io.sluice.capture.load.TableReload;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.PipelinePreparation;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.bench.LoadTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * sluice's own initial load: capture as {@code sluice run} starts it, with {@code
 * capture.initial-load: copy} and its default streams and chunks, the large table in a group of its
 * own and the small ones together. Timed from capture's start (the slot and its snapshot made, the
 * tables planned) until the load is recorded finished; sluice creates the target tables itself
 * (with its position column), so that is timed too.
 */
final class SluiceLoadContender implements LoadContender {
  private static final Clock CLOCK = Clock.systemUTC();

  private CaptureSingleton capture;
  private DynamoDbClient dynamo;
  private PipelineConfig config;
  private final AtomicBoolean finished = new AtomicBoolean();

  @Override
  public String name() {
    return LoadReport.SLUICE;
  }

  @Override
  public boolean createsTargetTables() {
    return true;
  }

  @Override
  public void load(LoadRun run) throws Exception {
    config = pipeline(run);
    CapturedTables tables = PipelinePreparation.prepare(config);
    dynamo = DynamoDbClients.create(config.dynamoDb());
    StateTables state = new StateTables(config.dynamoDb().tablePrefix());
    state.ensureExist(dynamo);
    DynamoDbLoadProgressStore progress = new DynamoDbLoadProgressStore(dynamo, state, CLOCK);
    capture =
        CaptureSingleton.underDynamoDbLease(
                config,
                tables,
                dynamo,
                "bench-load",
                new CaptureMetrics(new SimpleMeterRegistry(), CLOCK),
                CLOCK)
            .loadListener(
                new LoadListener() {
                  @Override
                  public void copied(LoadChunk chunk, long rows) {
                    run.progress().rowsCopied(rows);
                  }

                  @Override
                  public void finished() {
                    finished.set(true); // told after the end is recorded in DynamoDB
                  }
                });
    run.waiter().setFailureCheck(capture::failure);
    capture.start();
    // heard in process: polling DynamoDB for the plan would load DynamoDB Local in this JVM
    run.waiter().await("sluice's load", finished::get);
    if (!progress.plan().map(LoadPlan::finished).orElse(false)) {
      throw new IllegalStateException("the load said it finished but its plan does not");
    }
  }

  /**
   * Before cleaning up: reloads the large table as {@code sluice ctl resnapshot} does, with capture
   * still streaming, and prints its rate; the verification after it then covers the reload too.
   */
  @Override
  public void afterLoad(LoadRun run) throws Exception {
    if (finished.get()) {
      TableId large = new TableId("public", run.schema().large().name());
      long start = System.nanoTime();
      TableReload.Result r =
          new TableReload(config, LoadListener.NONE, CLOCK)
              .run(large, () -> new TargetWriter()::write);
      double seconds = (System.nanoTime() - start) / 1e9;
      run.progress()
          .say(
              "sluice ctl resnapshot %s after the load, capture streaming: %,d rows in %.1f s"
                  + " (%,.0f rows/s), %,d target rows removed",
              large, r.rows(), seconds, r.rows() / seconds, r.removed());
    }
    if (capture != null) {
      capture.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
    if (config != null) {
      try (Connection c = run.source().connect(run.sourceDb());
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                      + " WHERE slot_name = ?")) {
        ps.setString(1, config.source().slot());
        ps.execute();
      }
      try (Connection c = run.source().connect(run.sourceDb());
          Statement st = c.createStatement()) {
        st.execute("DROP PUBLICATION IF EXISTS " + config.source().publication());
      }
    }
  }

  /** The pipeline a user would write for these tables, in the contender's work directory. */
  private static PipelineConfig pipeline(LoadRun run) throws Exception {
    String small =
        run.schema().small().stream().map(LoadTable::name).collect(Collectors.joining(", "));
    String yaml =
        """
        # Written by `sluice bench load`: the pipeline whose initial load it measures.
        pipeline:
          name: bench_load
        %s\
        capture:
          initial-load: copy
        groups:
          - name: fills
            tables: [public.%s]
            partitions: 4
          - name: small
            tables: [%s]
            partitions: 2
        """
            .formatted(
                run.infra().connectionYaml(run.sourceDb(), run.targetDb(), null, null),
                run.schema().large().name(),
                small);
    Path file = run.workDir().resolve("pipeline.yaml");
    Files.createDirectories(run.workDir());
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).load(file);
  }
}
