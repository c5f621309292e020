package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.core.MetricNames;
import io.sluice.embedded.EmbeddedDynamoDb;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.workload.PositionWatch;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB unreachable in the middle of a run, for longer than a lease: apply stops advancing (no
 * checkpoint is written ahead of the target, none is skipped), capture keeps going, and when
 * DynamoDB is back both continue; the target equals the source and no row moved backwards.
 */
class DynamoDbOutageFaultIT {
  @Test
  void applyWaitsOutADynamoDbOutageLongerThanItsLeaseAndNothingIsLost() throws Exception {
    try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start()) {
      underLoad(
          "dynamodb outage",
          dynamo.endpoint(),
          Map.of("SLUICE_APPLY_LEASE_TIMEOUT", "3s"),
          (pipeline, worker) -> {
            dynamo.interrupt();
            // apply stops advancing: a batch waits for its checkpoint
            long stalledAt = PipelineFixture.awaitStalled(worker);
            // outlast the lease: the lease runs out on the worker's clock while DynamoDB is away
            await()
                .pollDelay(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10))
                .until(() -> worker.stats().events() == stalledAt);
            pipeline.assertHealthy();
            // what readiness and the checkpoint alert see meanwhile
            assertThat(worker.notReady()).isPresent();
            assertThat(
                    pipeline
                        .meters
                        .counter(MetricNames.APPLY_CHECKPOINT_FAILURES, "group", "orders")
                        .count())
                .isGreaterThan(0);
            dynamo.restore();
            oneMoreChange(pipeline); // the writer may have finished during the outage
            await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() > stalledAt);
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.notReady().isEmpty());
          });
    }
  }

  @Test
  void throttlingAndServerErrorsAreRiddenOutWithBackoffAndNothingIsLost() throws Exception {
    try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start();
        FaultyDynamoDbProxy proxy = new FaultyDynamoDbProxy(dynamo.endpoint())) {
      underLoad(
          "dynamodb throttling",
          proxy.endpoint(),
          Map.of(),
          (pipeline, worker) -> {
            for (FaultyDynamoDbProxy.Mode fault :
                new FaultyDynamoDbProxy.Mode[] {
                  FaultyDynamoDbProxy.Mode.THROTTLE, FaultyDynamoDbProxy.Mode.FAIL
                }) {
              proxy.mode(fault);
              long stalledAt = PipelineFixture.awaitStalled(worker);
              pipeline.assertHealthy();
              proxy.mode(FaultyDynamoDbProxy.Mode.PASS);
              oneMoreChange(pipeline); // the writer may have finished during the fault
              await()
                  .atMost(Duration.ofSeconds(60))
                  .until(() -> worker.stats().events() > stalledAt);
            }
          });
    }
  }

  /** A change for apply to make progress with, whatever the workload has left. */
  private static void oneMoreChange(PipelineFixture pipeline) throws Exception {
    try (Connection c = pipeline.slice.connectSource()) {
      PipelineFixture.exec(c, "UPDATE orders SET qty = qty WHERE id = 1");
    }
  }

  /** What a test does to DynamoDB while the source is busy and the pipeline applies. */
  private interface Fault {
    void inject(PipelineFixture pipeline, ApplyWorker worker) throws Exception;
  }

  /**
   * Runs a pipeline on the given DynamoDB endpoint under a busy source, injects the fault once
   * apply is under way, and checks the end: target equal to source, no row moved backwards, nothing
   * failed.
   */
  private static void underLoad(
      String name, URI dynamoDb, Map<String, String> settings, Fault fault) throws Exception {
    Map<String, String> env = new HashMap<>(settings);
    env.put("SLUICE_DYNAMODB_ENDPOINT", dynamoDb.toString());
    try (TestIsolation slice = TestIsolation.create(name);
        PipelineFixture pipeline =
            new PipelineFixture(
                slice, "- name: orders\n  tables: [orders]\n  partitions: 2\n", env);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget();
        SourceWriter writer = new SourceWriter(slice)) {
      OrdersTable.create(source);
      pipeline.prepare();
      PositionWatch.install(target, "orders");
      pipeline.startCaptureThroughFaults();
      ApplyWorker worker = pipeline.startApply().get(0);
      writer.start(1_500, 100_000, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() >= 300);

      fault.inject(pipeline, worker);

      writer.awaitDone();
      OrdersTable.awaitEqual(pipeline, source, target);
      assertThat(PositionWatch.regressions(target)).isZero();
      pipeline.assertHealthy();
    }
  }
}
