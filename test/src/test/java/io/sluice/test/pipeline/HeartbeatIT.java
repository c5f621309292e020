package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.awaitility.Awaitility.await;

import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With the captured tables idle and other tables churning the WAL, the heartbeat still moves the
 * slot's confirmed position forward, so the source does not keep WAL for sluice.
 */
class HeartbeatIT {
  @Test
  void slotAdvancesWhileCapturedTablesAreIdle() throws Exception {
    try (TestIsolation slice = TestIsolation.create("heartbeat");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- {name: orders, tables: [orders], partitions: 1}");
        Connection source = slice.connectSource()) {
      OrdersTable.create(source);
      exec(source, "CREATE TABLE not_captured (id bigserial PRIMARY KEY, payload text)");
      pipeline.startCapture();
      String slot = pipeline.config.source().slot();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> SlotQueries.confirmedLsn(source, slot) > 0);

      // Only the table sluice does not capture changes: a few MB of WAL.
      exec(
          source,
          "INSERT INTO not_captured (payload) SELECT repeat('x', 1000) FROM generate_series(1,"
              + " 5000)");
      long walAfterChurn = SlotQueries.currentWal(source);

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                pipeline.assertHealthy();
                return SlotQueries.confirmedLsn(source, slot) >= walAfterChurn;
              });
    }
  }
}
