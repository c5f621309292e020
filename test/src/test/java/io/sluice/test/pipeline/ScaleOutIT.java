package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.checkpoint.DesiredState;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Scale-out of a group: a second apply worker started while the first holds every partition and a
 * backlog waits receives its share of the partitions at batch boundaries, with no worker stopping,
 * and the group ends exact. Prints how long the hand-over and the drain took (figures for
 * docs/operations.md); asserts only what must hold.
 */
class ScaleOutIT {
  private static final int ROWS = 40_000;

  @Test
  void aWorkerStartedUnderABacklogReceivesItsShareAndTheGroupEndsExact() throws Exception {
    try (TestIsolation slice = TestIsolation.create("scale out");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: ticks\n  tables: [ticks]\n  partitions: 4\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(source, "CREATE TABLE ticks (id bigint PRIMARY KEY, px numeric, pad text)");
      pipeline.startCapture();
      ApplyWorker a = pipeline.startWorker("ticks", "worker-a", Clock.systemUTC());
      await().atMost(Duration.ofSeconds(30)).until(() -> a.status().partitions().size() == 4);

      // a backlog builds while the group is paused
      assertThat(pipeline.groupControl().set("ticks", DesiredState.PAUSED, "scale test", "t"))
          .isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> a.status().state() == ActualState.PAUSED);
      exec(
          source,
          "INSERT INTO ticks SELECT g, g / 7.0, repeat('x', 100) FROM generate_series(1, "
              + ROWS
              + ") g");

      long started = System.nanoTime();
      ApplyWorker b = pipeline.startWorker("ticks", "worker-b", Clock.systemUTC());
      assertThat(pipeline.groupControl().set("ticks", DesiredState.RUNNING, "", "t")).isTrue();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> a.status().partitions().size() == 2 && b.status().partitions().size() == 2);
      long handedOver = System.nanoTime();
      pipeline.awaitTargetMatches(source, target, "ticks", "id, px, pad", "id");
      long drained = System.nanoTime();
      System.out.printf(
          "scale-out: worker-b held 2 of 4 partitions %.1f s after it started; %,d rows drained"
              + " %.1f s after it started%n",
          (handedOver - started) / 1e9, ROWS, (drained - started) / 1e9);

      assertThat(a.status().partitions())
          .hasSize(2)
          .doesNotContainAnyElementsOf(b.status().partitions());
      assertThat(a.failure()).isEmpty();
      assertThat(b.failure()).isEmpty();
      exec(source, "UPDATE ticks SET px = px + 1 WHERE id % 5 = 0");
      pipeline.awaitTargetMatches(source, target, "ticks", "id, px, pad", "id");
    }
  }
}
