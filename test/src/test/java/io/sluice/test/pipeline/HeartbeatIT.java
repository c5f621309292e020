package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.awaitility.Awaitility.await;

import io.sluice.test.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
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
      await().atMost(Duration.ofSeconds(60)).until(() -> slotConfirmed(source) > 0);

      // Only the table sluice does not capture changes: a few MB of WAL.
      exec(
          source,
          "INSERT INTO not_captured (payload) SELECT repeat('x', 1000) FROM generate_series(1,"
              + " 5000)");
      long walAfterChurn = currentWal(source);

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                pipeline.assertHealthy();
                return slotConfirmed(source) >= walAfterChurn;
              });
    }
  }

  private static long currentWal(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The slot's confirmed flush position in bytes, or 0 before the slot exists. */
  private static long slotConfirmed(Connection c) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT coalesce(confirmed_flush_lsn - '0/0'::pg_lsn, 0) FROM pg_replication_slots"
                + " WHERE database = current_database()")) {
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
