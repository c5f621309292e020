package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.test.embedded.EmbeddedDynamoDb;
import io.sluice.test.embedded.TestIsolation;
import io.sluice.test.workload.PositionWatch;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB unreachable in the middle of a run, for longer than a lease: apply stops advancing (no
 * checkpoint is written ahead of the target, none is skipped), capture keeps going, and when
 * DynamoDB is back both continue; the target equals the source and no row moved backwards.
 */
class DynamoDbOutageFaultIT {
  @Test
  void applyWaitsOutADynamoDbOutageLongerThanItsLeaseAndNothingIsLost() throws Exception {
    try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start();
        TestIsolation slice = TestIsolation.create("dynamodb outage");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice,
                "- name: orders\n  tables: [orders]\n  partitions: 2\n",
                Map.of(
                    "SLUICE_DYNAMODB_ENDPOINT",
                    dynamo.endpoint().toString(),
                    "SLUICE_APPLY_LEASE_TIMEOUT",
                    "3s"));
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget();
        SourceWriter writer = new SourceWriter()) {
      EndToEndIT.createSchema(source);
      pipeline.prepare();
      PositionWatch.install(target, "orders");
      pipeline.startCapture();
      ApplyWorker worker = pipeline.startApply().get(0);
      writer.start(() -> connect(slice), 1_500, 100_000, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() >= 300);

      dynamo.interrupt();
      // apply stops advancing: a batch waits for its checkpoint
      AtomicLong last = new AtomicLong(-1);
      await()
          .pollInterval(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(20))
          .until(() -> worker.stats().events() == last.getAndSet(worker.stats().events()));
      long stalledAt = worker.stats().events();
      // outlast the lease: the lease runs out on the worker's clock while DynamoDB is away
      await()
          .pollDelay(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(10))
          .until(() -> worker.stats().events() == stalledAt);
      pipeline.assertHealthy();

      dynamo.restore();
      writer.awaitDone();
      EndToEndIT.awaitEqual(pipeline, source, target, "orders", EndToEndIT.ORDERS_COLUMNS, "id");
      assertThat(worker.stats().events()).isGreaterThan(stalledAt);
      assertThat(PositionWatch.regressions(target)).isZero();
      pipeline.assertHealthy();
    }
  }

  @Test
  void throttlingAndServerErrorsAreRiddenOutWithBackoffAndNothingIsLost() throws Exception {
    try (EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start();
        FaultyDynamoDbProxy proxy = new FaultyDynamoDbProxy(dynamo.endpoint());
        TestIsolation slice = TestIsolation.create("dynamodb throttling");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice,
                "- name: orders\n  tables: [orders]\n  partitions: 2\n",
                Map.of("SLUICE_DYNAMODB_ENDPOINT", proxy.endpoint().toString()));
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget();
        SourceWriter writer = new SourceWriter()) {
      EndToEndIT.createSchema(source);
      pipeline.prepare();
      PositionWatch.install(target, "orders");
      pipeline.startCapture();
      ApplyWorker worker = pipeline.startApply().get(0);
      writer.start(() -> connect(slice), 1_500, 100_000, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() >= 300);

      for (FaultyDynamoDbProxy.Mode fault :
          new FaultyDynamoDbProxy.Mode[] {
            FaultyDynamoDbProxy.Mode.THROTTLE, FaultyDynamoDbProxy.Mode.FAIL
          }) {
        proxy.mode(fault);
        AtomicLong last = new AtomicLong(-1);
        await()
            .pollInterval(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(20))
            .alias("apply stops advancing while DynamoDB answers " + fault)
            .until(() -> worker.stats().events() == last.getAndSet(worker.stats().events()));
        pipeline.assertHealthy();
        long stalledAt = worker.stats().events();
        proxy.mode(FaultyDynamoDbProxy.Mode.PASS);
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() > stalledAt);
      }

      writer.awaitDone();
      EndToEndIT.awaitEqual(pipeline, source, target, "orders", EndToEndIT.ORDERS_COLUMNS, "id");
      assertThat(PositionWatch.regressions(target)).isZero();
      pipeline.assertHealthy();
    }
  }

  private static Connection connect(TestIsolation slice) {
    try {
      return slice.connectSource();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
