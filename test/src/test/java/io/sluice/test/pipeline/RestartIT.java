package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.capture.CaptureSingleton;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.workload.PositionWatch;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Capture and apply each restart mid-stream without losing, repeating or reversing a change. */
class RestartIT {
  private static final String GROUPS =
      """
      - name: orders
        tables: [orders]
        partitions: 2
      """;

  @Test
  @PipelineSlice(
      name = "restart capture",
      groups = GROUPS,
      env = "SLUICE_CAPTURE_INITIAL_LOAD=kafka") // counts the rows of Debezium's snapshot
  void restartedCaptureResumesFromItsStoredOffsetWithoutANewSnapshot(
      TestIsolation slice,
      PipelineFixture pipeline,
      @Source Connection source,
      @Target Connection target,
      SourceWriter writer)
      throws Exception {
    OrdersTable.create(source);
    CaptureSingleton first = pipeline.startCapture();
    pipeline.startApply();
    writer.start(300, 100_000, 20);
    // Stop while changes are in flight, then change more while capture is down.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> first.stats().streaming() && writer.committed() >= 100);
    pipeline.assertHealthy();
    pipeline.stopCapture();
    writer.awaitDone();
    SourceWriter.write(slice, 300, 200_000, 20);
    pipeline.startCapture();

    OrdersTable.awaitEqual(pipeline, source, target);
    List<ChangeEvent> events = pipeline.topicEvents("orders");
    List<ChangeEvent> snapshot = events.stream().filter(e -> e.op() == Op.SNAPSHOT).toList();
    assertThat(snapshot.stream().map(e -> e.key().get("id")).distinct())
        .as("the snapshot ran once: no key appears in it twice")
        .hasSize(snapshot.size())
        .hasSizeGreaterThanOrEqualTo(200);
    assertThat(snapshot.stream().map(ChangeEvent::txId).distinct()).hasSize(1);
    assertThat(
            events.stream()
                .filter(e -> e.op() == Op.INSERT || e.op() == Op.SNAPSHOT)
                .map(e -> Long.parseLong(e.key().get("id")))
                .filter(id -> id >= 100_000)
                .distinct())
        .as("every key the writers inserted reached Kafka, by snapshot or stream")
        .hasSize(600);
    assertThat(first.failure()).isEmpty();
  }

  @Test
  @PipelineSlice(name = "restart apply", groups = GROUPS)
  void restartedApplyResumesFromItsCheckpointAndNoRowMovesBackwards(
      TestIsolation slice,
      PipelineFixture pipeline,
      @Source Connection source,
      @Target Connection target,
      SourceWriter writer)
      throws Exception {
    OrdersTable.create(source);
    pipeline.prepare();
    // Records any write that would move a row to an older source position.
    PositionWatch.install(target, "orders");
    pipeline.startCapture();
    List<ApplyWorker> first = pipeline.startApply();
    writer.start(400, 100_000, 10);
    // Stop while changes are in flight, then change more while apply is down.
    await().atMost(Duration.ofSeconds(60)).until(() -> first.get(0).stats().events() >= 300);
    pipeline.stopApply();
    long appliedBeforeRestart = first.get(0).stats().events();
    writer.awaitDone();
    SourceWriter.write(slice, 300, 200_000, 10);
    List<ApplyWorker> second = pipeline.startApply();

    OrdersTable.awaitEqual(pipeline, source, target);
    long topicRecords = pipeline.topicEvents("orders").size();
    assertThat(second.get(0).stats().events())
        .as("the restarted worker resumed from its checkpoint instead of the beginning")
        .isLessThanOrEqualTo(topicRecords - appliedBeforeRestart)
        .isPositive();
    assertThat(PositionWatch.regressions(target)).isZero();
  }
}
