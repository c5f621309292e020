package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.apply.ApplyWorker;
import io.sluice.checkpoint.DesiredState;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import io.sluice.core.MetricNames;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Scale-out of a group: a second apply worker started while the first holds every partition, a
 * backlog waits and the source keeps writing receives its share of the partitions at batch
 * boundaries, with no worker stopping, and the group ends exact. Prints how long the hand-over took
 * and when the group's lag was back under {@link #LAG_THRESHOLD} (figures for docs/deploy-eks.md);
 * asserts only what must hold.
 */
class ScaleOutIT {
  private static final int ROWS = 40_000;

  /** The group is back in step when every partition's lag is under this. */
  private static final double LAG_THRESHOLD = 1.0;

  @Test
  void aWorkerStartedUnderABacklogReceivesItsShareAndTheGroupEndsExact() throws Exception {
    ExecutorService writer = Executors.newSingleThreadExecutor();
    AtomicBoolean writing = new AtomicBoolean(true);
    try (TestIsolation slice = TestIsolation.create("scale out");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: ticks\n  tables: [ticks]\n  partitions: 4\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(source, "CREATE TABLE ticks (id bigint PRIMARY KEY, px numeric, pad text)");
      pipeline.startCapture();
      // each worker has meters of its own, as each pod has
      MeterRegistry metersA = new SimpleMeterRegistry();
      MeterRegistry metersB = new SimpleMeterRegistry();
      ApplyWorker a = pipeline.startWorker("ticks", "worker-a", Clock.systemUTC(), metersA);
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
      // and the source goes on writing, one row a transaction, throughout
      AtomicLong written = new AtomicLong();
      Future<?> steady = writer.submit(() -> writeSteadily(slice, writing, written));

      long started = System.nanoTime();
      ApplyWorker b = pipeline.startWorker("ticks", "worker-b", Clock.systemUTC(), metersB);
      assertThat(pipeline.groupControl().set("ticks", DesiredState.RUNNING, "", "t")).isTrue();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> a.status().partitions().size() == 2 && b.status().partitions().size() == 2);
      long handedOver = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .alias("every partition's lag under " + LAG_THRESHOLD + " s")
          .until(
              () -> {
                pipeline.assertHealthy();
                List<Double> lags = lags(metersA, metersB);
                return lags.size() >= 4 && lags.stream().allMatch(l -> l < LAG_THRESHOLD);
              });
      long inStep = System.nanoTime();
      writing.set(false);
      steady.get();
      System.out.printf(
          "scale-out: worker-b held 2 of 4 partitions %.1f s after it started; the group's lag"
              + " was under %.0f s %.1f s after it started, with a backlog of %,d rows and %,d"
              + " more written meanwhile%n",
          (handedOver - started) / 1e9,
          LAG_THRESHOLD,
          (inStep - started) / 1e9,
          ROWS,
          written.get());

      assertThat(a.status().partitions())
          .hasSize(2)
          .doesNotContainAnyElementsOf(b.status().partitions());
      assertThat(a.failure()).isEmpty();
      assertThat(b.failure()).isEmpty();
      assertThat(written.get()).isPositive();
      exec(source, "UPDATE ticks SET px = px + 1 WHERE id % 5 = 0");
      pipeline.awaitTargetMatches(source, target, "ticks", "id, px, pad", "id");
    } finally {
      writing.set(false);
      writer.shutdownNow();
    }
  }

  /** Inserts one row a transaction, as fast as the source takes them, until told to stop. */
  private static Void writeSteadily(TestIsolation slice, AtomicBoolean writing, AtomicLong written)
      throws Exception {
    try (Connection c = slice.connectSource();
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO ticks VALUES (?, ?, 'steady')")) {
      for (long id = ROWS + 1; writing.get(); id++) {
        insert.setLong(1, id);
        insert.setLong(2, id);
        insert.executeUpdate();
        written.incrementAndGet();
      }
    }
    return null;
  }

  /** The lag of each partition, from whichever worker owns it. */
  private static List<Double> lags(MeterRegistry... registries) {
    return java.util.Arrays.stream(registries)
        .flatMap(r -> r.find(MetricNames.APPLY_LAG).tag("group", "ticks").gauges().stream())
        .map(Gauge::value)
        .toList();
  }
}
