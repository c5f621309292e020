package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.core.MetricNames;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The copy load ({@code capture.initial-load: copy}): every table copied from the slot's exported
 * snapshot straight into the target while the source keeps changing (inserts, updates and deletes
 * landing in chunks copied already and in chunks not yet copied), streaming taking over exactly;
 * and a load stopped midway resuming the chunks it had not copied.
 */
class InitialLoadIT {
  private static final int ROWS = 60_000;

  private static final String GROUPS =
      """
      - name: book
        tables: [orders, venues, ledger]
        partitions: 2
      """;

  private static final Map<String, String> COPY_LOAD =
      Map.of(
          "SLUICE_CAPTURE_INITIAL_LOAD", "copy",
          "SLUICE_CAPTURE_LOAD_CHUNK_ROWS", "2000",
          "SLUICE_CAPTURE_LOAD_PARALLELISM", "2");

  /** The three tables: a large keyed one, one with a composite key, one without a key. */
  private static void createTables(Connection source) throws SQLException {
    OrdersTable.create(source, ROWS);
    exec(
        source,
        "ANALYZE orders", // the planner splits the table by its row estimate
        "CREATE TYPE side AS ENUM ('buy', 'sell')",
        "CREATE TABLE venues (region text, code int, sides side[], PRIMARY KEY (region, code))",
        "INSERT INTO venues SELECT 'r' || (g % 7), g, ARRAY['buy', 'sell']::side[]"
            + " FROM generate_series(1, 300) g",
        "CREATE TABLE ledger (account int, amount numeric, memo text)",
        "ALTER TABLE ledger REPLICA IDENTITY FULL",
        "INSERT INTO ledger SELECT g % 13, g * 0.01, 'm' FROM generate_series(1, 500) g");
  }

  /** Changes every table until stopped, keys spread over the whole of orders. */
  private static final class Churn implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger transactions = new AtomicInteger();
    private final Future<?> run;

    Churn(TestIsolation slice) {
      run =
          thread.submit(
              () -> {
                Random random = new Random(7);
                long next = ROWS + 1;
                try (Connection c = slice.connectSource();
                    PreparedStatement update =
                        c.prepareStatement(
                            "UPDATE orders SET qty = qty + 1, px = px + 0.000000000000000001"
                                + " WHERE id = ?");
                    PreparedStatement delete =
                        c.prepareStatement("DELETE FROM orders WHERE id = ?");
                    PreparedStatement insert =
                        c.prepareStatement(
                            "INSERT INTO orders (id, px, qty, trader) VALUES (?, 1.5, 1, 'new')");
                    PreparedStatement venue =
                        c.prepareStatement(
                            "UPDATE venues SET sides = ARRAY['sell']::side[] WHERE code = ?");
                    PreparedStatement ledger =
                        c.prepareStatement("INSERT INTO ledger VALUES (?, 0.01, 'churn')")) {
                  c.setAutoCommit(false);
                  while (!stop.get()) {
                    update.setLong(1, 1 + random.nextInt(ROWS));
                    update.executeUpdate();
                    delete.setLong(1, 1 + random.nextInt(ROWS));
                    delete.executeUpdate();
                    insert.setLong(1, next++);
                    insert.executeUpdate();
                    venue.setInt(1, 1 + random.nextInt(300));
                    venue.executeUpdate();
                    ledger.setInt(1, random.nextInt(13));
                    ledger.executeUpdate();
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

    /** Stops the changes, rethrowing any failure of the writer. */
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

  private static void awaitAllEqual(
      PipelineFixture pipeline, Connection source, Connection target) {
    OrdersTable.awaitEqual(pipeline, source, target);
    pipeline.awaitTargetMatches(source, target, "venues", "region, code, sides", "region, code");
    pipeline.awaitTargetMatches(
        source, target, "ledger", "account, amount, memo", "account, amount, memo");
  }

  /** Chunks the pipeline's capture copied, over all its runs. */
  private static double chunksCopied(PipelineFixture pipeline) {
    Counter c = pipeline.meters.find(MetricNames.LOAD_CHUNKS).tag("group", "book").counter();
    return c == null ? 0 : c.count();
  }

  private static final String ORDERS = new TableId("public", "orders").quoted();

  @Test
  void everyTableIsCopiedFromOneSnapshotWhileTheSourceChangesAndStreamingTakesOverExactly()
      throws Exception {
    Map<String, String> env = new java.util.HashMap<>(COPY_LOAD);
    env.put("SLUICE_CAPTURE_LOAD_DEFER_INDEXES", "true");
    try (TestIsolation slice = TestIsolation.create("copy load");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS, env);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      createTables(source);
      pipeline.prepare();
      exec(target, "CREATE INDEX orders_by_trader ON orders (trader, placed_at DESC)");
      List<String> indexBefore = indexes(target);
      try (Churn churn = new Churn(slice)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> churn.transactions() >= 20);
        pipeline.startCapture();
        pipeline.startApply();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> pipeline.loadPlan().map(LoadPlan::finished).orElse(false));
        int duringLoad = churn.transactions();
        await().atMost(Duration.ofSeconds(30)).until(() -> churn.transactions() >= duringLoad + 50);
        churn.stop();
      }

      awaitAllEqual(pipeline, source, target);
      LoadPlan plan = pipeline.loadPlan().orElseThrow();
      assertThat(plan.chunks().stream().filter(c -> c.table().equals(ORDERS)))
          .as("the large table is split into key ranges")
          .hasSizeGreaterThanOrEqualTo(ROWS / 2000)
          .allSatisfy(c -> assertThat(c.keyColumn()).contains("id"));
      assertThat(plan.chunks().stream().map(LoadChunk::table))
          .contains(
              new TableId("public", "venues").quoted(), new TableId("public", "ledger").quoted());
      assertThat(plan.remaining()).isEmpty();
      List<ChangeEvent> events = pipeline.topicEvents("book");
      assertThat(events)
          .as("no row went through Kafka as a snapshot: the load copied them")
          .noneMatch(e -> e.op() == Op.SNAPSHOT);
      assertThat(events).anyMatch(e -> e.op() == Op.DELETE);
      assertThat(indexes(target))
          .as("the secondary index dropped for the load is there again, as it was")
          .isEqualTo(indexBefore)
          .anyMatch(d -> d.contains("orders_by_trader"));
      assertThat(PipelineFixture.rows(target, "_sluice.deferred_indexes", "tbl, name", "tbl"))
          .isEmpty();
    }
  }

  @Test
  void aMigrationThatRewritesATableDuringTheLoadWaitsForItAndLosesNoRow() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(COPY_LOAD);
    env.put("SLUICE_CAPTURE_LOAD_PARALLELISM", "1");
    env.put("SLUICE_CAPTURE_LOAD_CHUNK_ROWS", "1000");
    try (TestIsolation slice = TestIsolation.create("copy load migration");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS, env);
        Connection source = slice.connectSource();
        Connection migration = slice.connectSource();
        Connection target = slice.connectTarget()) {
      createTables(source);
      pipeline.prepare();
      pipeline.startCapture();
      pipeline.startApply();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> pipeline.loadPlan().map(p -> p.copied().size() >= 5).orElse(false));
      // a rewrite (the column's type changes) while the load has copied part of the table
      ExecutorService ddl = Executors.newSingleThreadExecutor();
      try {
        Future<Boolean> altered =
            ddl.submit(
                () -> {
                  exec(migration, "ALTER TABLE orders ALTER COLUMN qty TYPE numeric(40,18)");
                  return pipeline.loadPlan().map(p -> p.remaining().isEmpty()).orElse(false);
                });
        assertThat(altered.get(120, java.util.concurrent.TimeUnit.SECONDS))
            .as("the rewrite waited until the load had copied every chunk")
            .isTrue();
      } finally {
        ddl.shutdownNow();
      }
      exec(source, "UPDATE orders SET qty = qty + 0.5 WHERE id % 1000 = 0");

      awaitAllEqual(pipeline, source, target);
    }
  }

  @Test
  void aTableThatJoinsTheGroupsPatternIsCopiedAtTheNextStartWhileApplyKeepsRunning()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("copy load join");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice, "- {name: book, tables: [\"public.*\"], partitions: 2}", COPY_LOAD);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      OrdersTable.create(source, 5_000);
      pipeline.prepare();
      pipeline.startCapture();
      List<io.sluice.apply.ApplyWorker> workers = pipeline.startApply();
      OrdersTable.awaitEqual(pipeline, source, target);

      // capture stops (a configuration change rolls it); apply keeps running
      pipeline.stopCapture();
      exec(
          source,
          "CREATE TABLE fresh (id int PRIMARY KEY, v text NOT NULL, n numeric)",
          "INSERT INTO fresh SELECT g, 'v' || g, g * 0.5 FROM generate_series(1, 3000) g",
          "UPDATE orders SET qty = qty + 1 WHERE id <= 10");
      pipeline.prepare(); // the catalog read again: fresh matches public.*
      ExecutorService writes = Executors.newSingleThreadExecutor();
      try {
        // fresh changes while capture starts and copies it
        Future<?> freshWrites =
            writes.submit(
                () -> {
                  try (Connection c = slice.connectSource()) {
                    for (int i = 1; i <= 200; i++) {
                      exec(
                          c,
                          "UPDATE fresh SET v = v || '+' WHERE id = " + (i * 13 % 3000 + 1),
                          "DELETE FROM fresh WHERE id = " + (i * 7 % 3000 + 1),
                          "INSERT INTO fresh VALUES (" + (3000 + i) + ", 'new', 1)");
                    }
                  }
                  return null;
                });
        pipeline.startCapture();
        freshWrites.get(60, java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        writes.shutdownNow();
      }

      OrdersTable.awaitEqual(pipeline, source, target);
      pipeline.awaitTargetMatches(source, target, "fresh", "id, v, n", "id");
      LoadPlan plan = pipeline.loadPlan().orElseThrow();
      assertThat(plan.finished()).isTrue();
      assertThat(plan.copied())
          .as("fresh was copied as a chunk of the load")
          .containsKey(new TableId("public", "fresh").quoted() + "#0");
      assertThat(workers).allSatisfy(w -> assertThat(w.failure()).isEmpty());
    }
  }

  @Test
  void aSlotDroppedAfterTheLoadHaltsCaptureInsteadOfLoadingAgain() throws Exception {
    try (TestIsolation slice = TestIsolation.create("copy load slot dropped");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice, "- {name: book, tables: [orders], partitions: 1}", COPY_LOAD);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      OrdersTable.create(source, 3_000);
      pipeline.prepare();
      pipeline.startCapture();
      pipeline.startApply();
      OrdersTable.awaitEqual(pipeline, source, target);
      pipeline.stopCapture();
      exec(source, "SELECT pg_drop_replication_slot('" + pipeline.config.source().slot() + "')");

      io.sluice.capture.CaptureSingleton capture = pipeline.startCaptureThroughFaults();
      await().atMost(Duration.ofSeconds(60)).until(() -> capture.failure().isPresent());
      assertThat(capture.failure().get())
          .hasMessageContaining("does not exist")
          .hasMessageContaining(pipeline.config.source().slot());
      assertThat(pipeline.loadPlan().orElseThrow().finished())
          .as("the finished load was not started over")
          .isTrue();
    }
  }

  private static List<String> indexes(Connection target) throws SQLException {
    return PipelineFixture.rows(
        target,
        "pg_indexes WHERE schemaname = 'public' AND tablename = 'orders'",
        "indexdef",
        "indexdef");
  }

  @Test
  void aLoadStoppedMidwayCopiesOnlyTheRemainingChunksAndEndsExact() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(COPY_LOAD);
    env.put("SLUICE_CAPTURE_LOAD_PARALLELISM", "1");
    env.put("SLUICE_CAPTURE_LOAD_CHUNK_ROWS", "1000");
    try (TestIsolation slice = TestIsolation.create("copy load resumed");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS, env);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      createTables(source);
      pipeline.prepare();
      try (Churn churn = new Churn(slice)) {
        double before = chunksCopied(pipeline);
        pipeline.startCaptureThroughFaults();
        List<io.sluice.apply.ApplyWorker> workers = pipeline.startApply();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> chunksCopied(pipeline) - before >= 10);
        pipeline.stopCapture(); // the process dies mid-load: the chunk in flight is rolled back
        LoadPlan stopped = pipeline.loadPlan().orElseThrow();
        assertThat(stopped.finished()).isFalse();
        int copiedBefore = stopped.copied().size();
        assertThat(copiedBefore).isBetween(10, stopped.chunks().size() - 1);
        assertThat(workers.get(0).stats().events())
            .as("apply waits while the load is unfinished")
            .isZero();

        double beforeRestart = chunksCopied(pipeline);
        pipeline.startCaptureThroughFaults();
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> pipeline.loadPlan().map(LoadPlan::finished).orElse(false));
        assertThat(chunksCopied(pipeline) - beforeRestart)
            .as("the restart copied only the chunks not copied before")
            .isEqualTo(stopped.chunks().size() - copiedBefore);
        churn.stop();
      }

      awaitAllEqual(pipeline, source, target);
    }
  }
}
