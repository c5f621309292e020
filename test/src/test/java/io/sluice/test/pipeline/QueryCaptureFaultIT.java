package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.awaitility.Awaitility.await;

import io.sluice.capture.CaptureSingleton;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Query capture rides out a source crash with no person: polls and diffs fail, capture starts again
 * from its stored watermarks at new positions, and the target ends exactly as the source, deletes
 * included.
 */
class QueryCaptureFaultIT {
  private static final String GROUPS =
      """
      - name: book
        tables: [fills, refs]
        partitions: 2
        watermark: {fills: updated_at}
        diff-interval: 1s
      """;

  private static EmbeddedInfrastructure infra;

  @BeforeAll
  static void ownServers() {
    infra = EmbeddedInfrastructure.shared().withOwnPostgres("query capture faults");
  }

  @AfterAll
  static void stopServers() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void aSourceCrashWhileQueryCaptureRunsIsRiddenOutExactly() throws Exception {
    try (TestIsolation slice = TestIsolation.create(infra, "query source crash");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice,
                GROUPS,
                Map.of(
                    "SLUICE_CAPTURE_METHOD", "query",
                    "SLUICE_CAPTURE_QUERY_POLL_INTERVAL", "200ms",
                    "SLUICE_CAPTURE_QUERY_LOOKBACK", "1m"))) {
      try (Connection source = slice.connectSource()) {
        exec(
            source,
            "CREATE TABLE fills (id bigint PRIMARY KEY, px numeric(38,18), updated_at timestamptz"
                + " NOT NULL)",
            "CREATE INDEX ON fills (updated_at)",
            "INSERT INTO fills SELECT g, g / 7.0, clock_timestamp() FROM generate_series(1, 20000) g",
            "CREATE TABLE refs (code int PRIMARY KEY, name text)",
            "INSERT INTO refs SELECT g, 'r' || g FROM generate_series(1, 500) g");
      }
      CaptureSingleton capture = pipeline.startCaptureThroughFaults();
      pipeline.startApply();
      awaitEqual(pipeline, slice);
      write(slice, 0);

      EmbeddedPostgres server = infra.source();
      server.crash();
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .alias("capture notices and starts again")
            .until(() -> capture.restarting().isPresent());
        pipeline.assertHealthy();
      } finally {
        server.restart();
      }
      write(slice, 1);
      awaitEqual(pipeline, slice);
    }
  }

  /** Updates, inserts and deletes in both tables, in a few transactions. */
  private static void write(TestIsolation slice, int round) throws Exception {
    try (Connection c = slice.connectSource()) {
      for (int i = 0; i < 20; i++) {
        int at = round * 1_000 + i * 40 + 1;
        exec(
            c,
            "UPDATE fills SET px = px + 1, updated_at = clock_timestamp() WHERE id BETWEEN "
                + at
                + " AND "
                + (at + 30),
            "INSERT INTO fills VALUES (" + (100_000 + round * 100 + i) + ", 1, clock_timestamp())",
            "DELETE FROM fills WHERE id = " + (at + 35),
            "UPDATE refs SET name = name || '.' WHERE code = " + (at % 500 + 1),
            "DELETE FROM refs WHERE code = " + ((at + 7) % 500 + 1),
            "INSERT INTO refs VALUES (" + (10_000 + round * 100 + i) + ", 'new')");
      }
    }
  }

  private static void awaitEqual(PipelineFixture pipeline, TestIsolation slice) throws Exception {
    try (Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      pipeline.awaitTargetMatches(source, target, "fills", "id, px, updated_at", "id");
      pipeline.awaitTargetMatches(source, target, "refs", "code, name", "code");
    }
  }
}
