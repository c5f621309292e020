package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.TargetWriter;
import io.sluice.capture.verify.TableVerdict;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.checkpoint.DesiredState;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice verify} on a live pipeline: every kind of difference the issue names is found (or,
 * where it is no difference in value, ignored), named by key, and repaired, while the source keeps
 * changing another table of the group.
 */
class VerifyIT {
  private static final int ORDERS = 20_000;

  private static final String GROUPS =
      """
      - name: book
        tables: [orders, kinds]
        partitions: 2
      """;

  private static final TableId KINDS = new TableId("public", "kinds");

  private static VerifyOptions options(boolean repair) {
    return new VerifyOptions(
        Optional.empty(), Optional.empty(), 2_000, 50, Duration.ofSeconds(60), repair);
  }

  private static VerifyReport verify(PipelineFixture pipeline, boolean repair) throws Exception {
    List<String> lines = new ArrayList<>();
    return new Verifier(
            pipeline.config,
            pipeline.controlPlane().checkpoints(),
            () -> new TargetWriter()::write,
            Clock.systemUTC())
        .run(options(repair), lines::add);
  }

  private static TableVerdict verdict(VerifyReport r, String table) {
    return r.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow();
  }

  @Test
  void everyKindOfDifferenceIsFoundOrIgnoredNamedByKeyAndRepairedWhileTheSourceChanges()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("verify");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      OrdersTable.create(source, ORDERS);
      exec(
          source,
          "ANALYZE orders",
          "CREATE TABLE kinds (id int PRIMARY KEY, n numeric(38,18), ts timestamptz, s text,"
              + " f float8, c char(5), j jsonb)",
          "INSERT INTO kinds SELECT g, g * 1.000000000000000001, '2026-01-01 00:00:00+00'::"
              + "timestamptz + g * interval '1.000001 second', CASE WHEN g % 3 = 0 THEN NULL"
              + " ELSE 's' || g END, 0, 'ab', '{\"a\": 1, \"b\": [1, 2]}'"
              + " FROM generate_series(1, 3000) g");
      pipeline.prepare();
      pipeline.startCapture();
      pipeline.startApply();
      OrdersTable.awaitEqual(pipeline, source, target);
      awaitKindsEqual(pipeline, source, target);

      try (Churn churn = new Churn(slice)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> churn.transactions() >= 20);
        VerifyReport clean = verify(pipeline, false);
        assertThat(clean.matches())
            .as("a pipeline in step verifies clean while the source changes: %s", clean)
            .isTrue();
        assertThat(verdict(clean, "public.orders").sourceRows()).isGreaterThan(ORDERS / 2);
        assertThat(verdict(clean, "public.orders").chunks()).isGreaterThanOrEqualTo(5);

        // the target drifts, each way the issue names, the rows' positions left as they were
        exec(
            target,
            "UPDATE kinds SET n = n + 0.000000000000000001 WHERE id = 1",
            "UPDATE kinds SET ts = ts + interval '1 microsecond' WHERE id = 2",
            "UPDATE kinds SET s = '' WHERE id = 3", // NULL on the source
            "UPDATE kinds SET f = '-0' WHERE id = 4",
            "UPDATE kinds SET c = 'ab   ' WHERE id = 5", // the same char(5) value
            "UPDATE kinds SET j = '{\"b\": [1, 2], \"a\": 1}' WHERE id = 6", // the same jsonb
            "DELETE FROM kinds WHERE id = 7",
            "INSERT INTO kinds (id, n, _sluice_lsn) VALUES (100000, 1, 1)",
            "UPDATE orders SET trader = 'drifted' WHERE id <= " + ORDERS + " AND id % 1000 = 7");
        VerifyReport drifted = verify(pipeline, false);
        TableVerdict kinds = verdict(drifted, "public.kinds");
        assertThat(drifted.matches()).isFalse();
        assertThat(kinds.missing()).isEqualTo(1);
        assertThat(kinds.extra()).isEqualTo(1);
        assertThat(kinds.different()).as("%s", kinds.samples()).isEqualTo(4);
        assertThat(kinds.unsettled()).isZero();
        assertThat(kinds.samples())
            .containsExactly(
                "missing: id=7",
                "extra: id=100000",
                "different: id=1",
                "different: id=2",
                "different: id=3",
                "different: id=4");
        assertThat(kinds.differingChunks()).isNotEmpty();
        TableVerdict orders = verdict(drifted, "public.orders");
        assertThat(orders.different())
            .as("drifted rows the source did not change since (%s)", orders.samples())
            .isBetween(1L, (long) ORDERS / 1000);
        assertThat(orders.missing() + orders.extra() + orders.unsettled()).isZero();
        assertThat(String.join("\n", kinds.samples()))
            .as("keys only, never other values")
            .doesNotContain("drifted")
            .doesNotContain("ab");

        VerifyReport repaired = verify(pipeline, true);
        assertThat(repaired.matches()).as("%s", repaired).isTrue();
        assertThat(verdict(repaired, "public.kinds").repaired()).isEqualTo(6);
        assertThat(verdict(repaired, "public.orders").repaired()).isPositive();
        churn.stop();
      }
      OrdersTable.awaitEqual(pipeline, source, target);
      awaitKindsEqual(pipeline, source, target);
      assertThat(verify(pipeline, false).matches()).isTrue();
    }
  }

  @Test
  void aGroupThatDoesNotReachTheSnapshotIsReportedNotVerified() throws Exception {
    try (TestIsolation slice = TestIsolation.create("verify paused");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      OrdersTable.create(source, 100);
      exec(source, "CREATE TABLE kinds (id int PRIMARY KEY)");
      pipeline.prepare();
      pipeline.startCapture();
      io.sluice.apply.ApplyWorker worker = pipeline.startApply().get(0);
      OrdersTable.awaitEqual(pipeline, source, target);
      assertThat(pipeline.groupControl().set("book", DesiredState.PAUSED, "test", "t")).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  worker.status().state() == io.sluice.checkpoint.WorkerStatus.ActualState.PAUSED);
      exec(source, "UPDATE orders SET qty = 0 WHERE id = 1");
      VerifyReport r =
          new Verifier(
                  pipeline.config,
                  pipeline.controlPlane().checkpoints(),
                  () -> new TargetWriter()::write,
                  Clock.systemUTC())
              .run(
                  new VerifyOptions(
                      Optional.of("book"),
                      Optional.of(new TableId("public", "orders")),
                      1_000,
                      5,
                      Duration.ofSeconds(3),
                      false),
                  line -> {});
      assertThat(r.matches()).isFalse();
      assertThat(r.tables()).hasSize(1);
      assertThat(r.tables().get(0).problem())
          .contains("apply of group book had not reached the snapshot");
    }
  }

  private static void awaitKindsEqual(
      PipelineFixture pipeline, Connection source, Connection target) {
    pipeline.awaitTargetMatches(source, target, "kinds", "id, n, ts, s, f, c, j", "id");
  }

  /** Updates, deletes and inserts orders until stopped. */
  private static final class Churn implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger transactions = new AtomicInteger();
    private final Future<?> run;

    Churn(TestIsolation slice) {
      run =
          thread.submit(
              () -> {
                Random random = new Random(5);
                long next = ORDERS + 1;
                try (Connection c = slice.connectSource();
                    PreparedStatement update =
                        c.prepareStatement("UPDATE orders SET qty = qty + 1 WHERE id = ?");
                    PreparedStatement delete =
                        c.prepareStatement("DELETE FROM orders WHERE id = ?");
                    PreparedStatement insert =
                        c.prepareStatement(
                            "INSERT INTO orders (id, px, qty, trader) VALUES (?, 2.5, 1, 'new')")) {
                  c.setAutoCommit(false);
                  while (!stop.get()) {
                    update.setLong(1, 1 + random.nextInt(ORDERS));
                    update.executeUpdate();
                    delete.setLong(1, 1 + random.nextInt(ORDERS));
                    delete.executeUpdate();
                    insert.setLong(1, next++);
                    insert.executeUpdate();
                    c.commit();
                    transactions.incrementAndGet();
                  }
                }
                return null;
              });
    }

    int transactions() {
      return transactions.get();
    }

    void stop() throws Exception {
      stop.set(true);
      run.get();
    }

    @Override
    public void close() {
      stop.set(true);
      thread.shutdownNow();
    }
  }
}
