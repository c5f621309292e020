package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.test.embedded.EmbeddedDynamoDb;
import io.sluice.test.embedded.TestIsolation;
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
      exec(
          target,
          "CREATE TABLE position_regressions (id bigint, old_lsn bigint, new_lsn bigint)",
          "CREATE FUNCTION check_position() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF NEW._sluice_lsn < OLD._sluice_lsn THEN INSERT INTO position_regressions"
              + " VALUES (OLD.id, OLD._sluice_lsn, NEW._sluice_lsn); END IF; RETURN NEW; END $$",
          "CREATE TRIGGER check_position BEFORE UPDATE ON orders FOR EACH ROW"
              + " EXECUTE FUNCTION check_position()");
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
      assertThat(rows(target, "position_regressions", "id, old_lsn, new_lsn", "id")).isEmpty();
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
