package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import io.sluice.embedded.TestIsolation;
import io.sluice.test.checkpoint.TestClock;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two workers on one partition: the owner freezes in the middle of a batch past its lease, the
 * standby takes the partition over, and the frozen worker, once it runs again, has its checkpoint
 * refused and stops touching the partition (invariant 6).
 */
class LeaseTakeoverIT {
  @Test
  void aWorkerFrozenPastItsLeaseIsFencedOffAndTheStandbyTakesOver() throws Exception {
    try (TestIsolation slice = TestIsolation.create("lease takeover");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: solo\n  tables: [ticks]\n  partitions: 1\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget();
        Connection freezer = slice.connectTarget()) {
      exec(source, "CREATE TABLE ticks (id int PRIMARY KEY, px numeric)");
      pipeline.startCapture();
      TestClock clock = new TestClock();
      ApplyWorker a = pipeline.startWorker("solo", "worker-a", clock);
      await().atMost(Duration.ofSeconds(30)).until(() -> a.status().state() == ActualState.RUNNING);
      ApplyWorker b = pipeline.startWorker("solo", "worker-b", clock);
      await().atMost(Duration.ofSeconds(30)).until(() -> b.status().state() == ActualState.STANDBY);

      exec(source, "INSERT INTO ticks SELECT g, g FROM generate_series(1, 100) g");
      pipeline.awaitTargetMatches(source, target, "ticks", "id, px", "id");

      // worker-a freezes in its next batch: the target table is locked under it
      freezer.setAutoCommit(false);
      exec(freezer, "LOCK TABLE ticks IN ACCESS EXCLUSIVE MODE");
      exec(source, "INSERT INTO ticks SELECT g, g FROM generate_series(101, 200) g");
      await().atMost(Duration.ofSeconds(30)).until(() -> blockedOnTicks(target) >= 1);
      clock.advance(pipeline.config.apply().leaseTimeout().plusSeconds(1));
      await().atMost(Duration.ofSeconds(30)).until(() -> owner(pipeline).equals("worker-b"));
      assertThat(pipeline.leases().list("solo")).extracting(Lease::epoch).containsExactly(2L);

      // worker-a runs again: its target write is harmless, its checkpoint is refused
      freezer.commit();
      await().atMost(Duration.ofSeconds(30)).until(() -> a.leaseLosses() == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> a.status().state() == ActualState.STANDBY);
      long appliedByA = a.stats().events();

      exec(source, "INSERT INTO ticks SELECT g, g FROM generate_series(201, 300) g");
      exec(source, "UPDATE ticks SET px = px * 2 WHERE id % 3 = 0");
      pipeline.awaitTargetMatches(source, target, "ticks", "id, px", "id");
      assertThat(a.stats().events()).as("worker-a no longer applies").isEqualTo(appliedByA);
      assertThat(a.failure()).isEmpty();
      assertThat(b.status().partitions()).isEqualTo(List.of(0));
      assertThat(b.status().state()).isEqualTo(ActualState.RUNNING);
    }
  }

  private static String owner(PipelineFixture pipeline) {
    return pipeline.leases().list("solo").stream().map(Lease::owner).findFirst().orElse("");
  }

  private static int blockedOnTicks(Connection target) throws Exception {
    return PipelineFixture.rows(
            target,
            "pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ticks'"
                + " AND NOT l.granted",
            "l.pid",
            "1")
        .size();
  }
}
