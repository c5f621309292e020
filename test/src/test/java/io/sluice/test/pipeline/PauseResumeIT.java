package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.checkpoint.AuditRecord;
import io.sluice.checkpoint.DesiredState;
import io.sluice.checkpoint.GroupControlStore;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import io.sluice.core.MetricNames;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pausing a group stops its apply at a batch boundary within 5 seconds with the checkpoint written,
 * while capture keeps draining the slot and Kafka holds the backlog; resuming continues from that
 * checkpoint. Both are idempotent, audited, and survive a restart of apply (invariant 7).
 */
class PauseResumeIT {
  private static final String GROUPS =
      """
      - name: orders
        tables: [orders]
        partitions: 2
      """;

  @Test
  @PipelineSlice(name = "pause resume", groups = GROUPS)
  void aPausedGroupStopsAtABatchBoundaryWhileTheSlotKeepsAdvancingAndResumesExactly(
      TestIsolation slice,
      PipelineFixture pipeline,
      @Source Connection source,
      @Target Connection target,
      SourceWriter writer)
      throws Exception {
    OrdersTable.create(source);
    pipeline.startCapture();
    ApplyWorker worker = pipeline.startApply().get(0);
    GroupControlStore control = pipeline.groupControl();
    // a busy source: transactions keep coming while the group is paused
    writer.start(1_500, 100_000, 10);
    await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() >= 200);

    assertThat(control.set("orders", DesiredState.PAUSED, "target maintenance", "alice")).isTrue();
    assertThat(control.set("orders", DesiredState.PAUSED, "twice", "bob"))
        .as("pausing a paused group changes nothing")
        .isFalse();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> worker.status().state() == ActualState.PAUSED);

    long applied = worker.stats().events();
    List<String> pausedRows = OrdersTable.rows(target);
    assertThat(
            pipeline.controlPlane().checkpoints().load("orders").values().stream()
                .mapToLong(c -> c.nextOffset())
                .sum())
        .as("checkpoints written up to the last applied batch (heartbeats included)")
        .isEqualTo(worker.stats().records());
    String slot = pipeline.config.source().slot();
    long slotBefore = SlotQueries.confirmedLsn(source, slot);
    assertThat(slotBefore).as("the slot has confirmed what capture sent").isPositive();
    // While paused: nothing more reaches the target, the slot's confirmed position keeps
    // advancing (capture drains it into Kafka) and the backlog shows what waits.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> SlotQueries.confirmedLsn(source, slot) > slotBefore && backlog(pipeline) > 0);
    assertThat(worker.stats().events()).isEqualTo(applied);
    assertThat(OrdersTable.rows(target)).isEqualTo(pausedRows);
    assertThat(gauge(pipeline, MetricNames.APPLY_PAUSED)).isEqualTo(1.0);

    // Restarting apply while paused keeps the group paused.
    pipeline.stopApply();
    ApplyWorker restarted = pipeline.startApply().get(0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> restarted.status().state() == ActualState.PAUSED);
    assertThat(OrdersTable.rows(target)).isEqualTo(pausedRows);

    writer.awaitDone();
    assertThat(control.set("orders", DesiredState.RUNNING, "", "carol")).isTrue();
    OrdersTable.awaitEqual(pipeline, source, target);
    // the rows may already be equal (the writer's last changes were applied before the pause):
    // wait for the worker to read the resume, within apply.control-poll
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> restarted.status().state() == ActualState.RUNNING);
    assertThat(control.audit("orders", 10))
        .extracting(AuditRecord::to, AuditRecord::by)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DesiredState.RUNNING, "carol"),
            org.assertj.core.groups.Tuple.tuple(DesiredState.PAUSED, "alice"));
  }

  private static double backlog(PipelineFixture pipeline) {
    return gauge(pipeline, MetricNames.APPLY_BACKLOG);
  }

  private static double gauge(PipelineFixture pipeline, String name) {
    return pipeline.meters.get(name).tag("group", "orders").gauges().stream()
        .mapToDouble(g -> g.value())
        .max()
        .orElse(0);
  }
}
