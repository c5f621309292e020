package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.TargetWriter;
import io.sluice.capture.load.LoadListener;
import io.sluice.capture.load.TableReload;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice ctl resnapshot}'s reload ({@link TableReload}): one table reloaded from a new
 * snapshot while the source keeps changing it and apply keeps streaming, ending exactly as the
 * source, with target rows that had drifted from it put right and rows the source does not hold
 * removed.
 */
class TableReloadIT {
  private static final int ROWS = 20_000;

  private static final String GROUPS =
      """
      - name: book
        tables: [orders, venues, ledger]
        partitions: 2
      """;

  private static final Map<String, String> SMALL_CHUNKS =
      Map.of("SLUICE_CAPTURE_LOAD_CHUNK_ROWS", "2000", "SLUICE_CAPTURE_LOAD_PARALLELISM", "2");

  private static final TableId ORDERS = new TableId("public", "orders");

  @Test
  void aTableReloadedUnderWriteLoadEndsAsTheSourceWhileApplyKeepsStreaming() throws Exception {
    try (TestIsolation slice = TestIsolation.create("reload");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS, SMALL_CHUNKS);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      OrdersTable.create(source, ROWS);
      exec(
          source,
          "ANALYZE orders",
          "CREATE TABLE venues (code int PRIMARY KEY, name text)",
          "INSERT INTO venues SELECT g, 'v' || g FROM generate_series(1, 50) g",
          "CREATE TABLE ledger (account int, amount numeric)",
          "ALTER TABLE ledger REPLICA IDENTITY FULL");
      pipeline.prepare();
      pipeline.startCapture();
      pipeline.startApply();
      OrdersTable.awaitEqual(pipeline, source, target);

      // the target drifts from the source: values changed, rows lost, rows the source never had
      exec(
          target,
          "UPDATE orders SET trader = 'drifted', px = 0 WHERE id % 97 = 0",
          "DELETE FROM orders WHERE id % 101 = 0",
          "INSERT INTO orders SELECT id + 5000000, px, qty, fee, trader, placed_at, settled_on,"
              + " note, _sluice_lsn FROM orders WHERE id <= 40");
      assertThat(OrdersTable.rows(target)).isNotEqualTo(OrdersTable.rows(source));

      AtomicInteger venueChanges = new AtomicInteger();
      LoadListener midway =
          new LoadListener() {
            private final AtomicBoolean once = new AtomicBoolean();

            @Override
            public void copied(LoadChunk chunk, long rows) {
              if (once.compareAndSet(false, true)) {
                // the reload is under way: a change to another table of the group streams on
                try (Connection c = slice.connectSource();
                    Connection t = slice.connectTarget()) {
                  exec(c, "UPDATE venues SET name = 'during reload' WHERE code = 7");
                  await()
                      .atMost(Duration.ofSeconds(30))
                      .until(
                          () ->
                              PipelineFixture.rows(t, "venues", "code, name", "code")
                                  .contains("(7,\"during reload\")"));
                  venueChanges.incrementAndGet();
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              }
            }
          };
      TableReload.Result result;
      try (Churn churn = new Churn(slice)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> churn.transactions() >= 20);
        result =
            new TableReload(pipeline.config, midway, java.time.Clock.systemUTC())
                .run(ORDERS, () -> new TargetWriter()::write);
        int atEnd = churn.transactions();
        await().atMost(Duration.ofSeconds(30)).until(() -> churn.transactions() >= atEnd + 20);
        churn.stop();
        assertThat(churn.transactions()).isGreaterThan(40);
      }

      OrdersTable.awaitEqual(pipeline, source, target);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          count(
                              source, "SELECT count(*) FROM pg_replication_slots WHERE temporary"))
                      .as("the reload's temporary slot is gone")
                      .isZero());
      assertThat(venueChanges).as("apply streamed the group while the reload ran").hasValue(1);
      assertThat(result.rows()).isGreaterThanOrEqualTo(ROWS - ROWS / 101 - 200);
      assertThat(result.removed())
          .as("the rows the source never had are removed by the reload itself")
          .isGreaterThanOrEqualTo(40);
      assertThat(
              count(
                  target,
                  "SELECT count(*) FROM _sluice.tombstones WHERE tbl = 'public.orders'"
                      + " AND key LIKE '[\"50000__\"]'"))
          .as("the removed rows leave tombstones, so an older insert cannot bring them back")
          .isEqualTo(40);
    }
  }

  @Test
  void aTableWithoutAKeyOrOutsideThePipelineIsRefusedByName() throws Exception {
    try (TestIsolation slice = TestIsolation.create("reload refused");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS);
        Connection source = slice.connectSource()) {
      OrdersTable.create(source, 10);
      exec(
          source,
          "CREATE TABLE venues (code int PRIMARY KEY)",
          "CREATE TABLE ledger (account int, amount numeric)",
          "ALTER TABLE ledger REPLICA IDENTITY FULL",
          "CREATE TABLE elsewhere (id int PRIMARY KEY)");
      TableReload reload =
          new TableReload(pipeline.config, LoadListener.NONE, java.time.Clock.systemUTC());
      assertThatThrownBy(
              () -> reload.run(new TableId("public", "ledger"), () -> new TargetWriter()::write))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("public.ledger has no key");
      assertThatThrownBy(
              () -> reload.run(new TableId("public", "elsewhere"), () -> new TargetWriter()::write))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not capture public.elsewhere")
          .hasMessageContaining("public.orders");
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Updates, deletes and inserts orders all over its keys until stopped. */
  private static final class Churn implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger transactions = new AtomicInteger();
    private final Future<?> run;

    Churn(TestIsolation slice) {
      run =
          thread.submit(
              () -> {
                Random random = new Random(11);
                long next = ROWS + 1;
                try (Connection c = slice.connectSource();
                    PreparedStatement update =
                        c.prepareStatement(
                            "UPDATE orders SET qty = qty + 1, trader = 'churn' WHERE id = ?");
                    PreparedStatement delete =
                        c.prepareStatement("DELETE FROM orders WHERE id = ?");
                    PreparedStatement insert =
                        c.prepareStatement(
                            "INSERT INTO orders (id, px, qty, trader) VALUES (?, 2.5, 1, 'new')")) {
                  c.setAutoCommit(false);
                  while (!stop.get()) {
                    update.setLong(1, 1 + random.nextInt(ROWS));
                    update.executeUpdate();
                    delete.setLong(1, 1 + random.nextInt(ROWS));
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
