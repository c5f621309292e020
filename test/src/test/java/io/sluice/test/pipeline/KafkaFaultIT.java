package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.capture.CaptureSingleton;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedKafka;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.workload.PositionWatch;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker stopped and started again in the middle of a steady workload, as a rolling
 * restart or a broker failure does: capture and apply wait for it without halting, the slot does
 * not move past what Kafka holds, and the target ends equal to the source with no row moving
 * backwards.
 */
class KafkaFaultIT {
  private static EmbeddedInfrastructure infra;

  @BeforeAll
  static void ownBroker() {
    infra = EmbeddedInfrastructure.shared().withOwnKafka("kafka restart");
  }

  @AfterAll
  static void stopBroker() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void aBrokerStoppedAndStartedAgainIsWaitedOutAndNothingIsLost() throws Exception {
    try (TestIsolation slice = TestIsolation.create(infra, "kafka restart");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: orders\n  tables: [orders]\n  partitions: 2\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget();
        SourceWriter writer = new SourceWriter(slice)) {
      OrdersTable.create(source);
      pipeline.prepare();
      PositionWatch.install(target, "orders");
      CaptureSingleton capture = pipeline.startCaptureThroughFaults();
      ApplyWorker worker = pipeline.startApply().get(0);
      writer.start(2_500, 100_000, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() >= 300);

      EmbeddedKafka kafka = infra.kafka();
      kafka.stop();
      try {
        // nothing reaches the target while the broker is away, and nothing halts
        long stalledAt = PipelineFixture.awaitStalled(worker);
        await()
            .pollDelay(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> worker.stats().events() == stalledAt);
        pipeline.assertHealthy();
        assertThat(capture.failure()).isEmpty();
      } finally {
        kafka.restart();
      }

      writer.awaitDone();
      OrdersTable.awaitEqual(pipeline, source, target);
      assertThat(PositionWatch.regressions(target)).isZero();
      pipeline.assertHealthy();
    }
  }
}
