package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;

import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * A partitioned table is captured under its own name: changes streamed from its partitions reach
 * the target table of the partitioned table, not only the rows its snapshot read.
 */
class PartitionedTableIT {

  @Test
  void snapshotAndStreamedChangesOfAPartitionedTableArrive() throws Exception {
    run("partitioned table", false);
  }

  @Test
  void aPublicationThatNamesPartitionsIsCorrectedBeforeCaptureStarts() throws Exception {
    run("partitioned table old publication", true);
  }

  private static void run(String name, boolean oldPublication) throws Exception {
    try (TestIsolation slice = TestIsolation.create(name);
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: ticks\n  tables: [ticks]\n  partitions: 2\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TABLE ticks (id bigint, day date, px numeric, PRIMARY KEY (id, day))"
              + " PARTITION BY RANGE (day)",
          "CREATE TABLE ticks_2024 PARTITION OF ticks FOR VALUES FROM ('2024-01-01')"
              + " TO ('2025-01-01')",
          "CREATE TABLE ticks_2025 PARTITION OF ticks FOR VALUES FROM ('2025-01-01')"
              + " TO ('2026-01-01')",
          "INSERT INTO ticks VALUES (1, '2024-05-01', 1.5), (2, '2025-05-01', 2.5)");
      if (oldPublication) {
        // as sluice created it before it set publish_via_partition_root
        exec(
            source,
            "CREATE PUBLICATION " + pipeline.config.source().publication() + " FOR TABLE ticks");
      }
      pipeline.startCapture();
      pipeline.startApply();
      pipeline.awaitTargetMatches(source, target, "ticks", "id, day, px", "id");

      exec(
          source,
          "INSERT INTO ticks VALUES (3, '2024-06-01', 3.5), (4, '2025-06-01', 4.5)",
          "UPDATE ticks SET px = px * 2 WHERE id IN (1, 4)",
          // moves the row to the other partition
          "UPDATE ticks SET day = '2025-07-01' WHERE id = 3",
          "DELETE FROM ticks WHERE id = 2");

      pipeline.awaitTargetMatches(source, target, "ticks", "id, day, px", "id");
    }
  }
}
