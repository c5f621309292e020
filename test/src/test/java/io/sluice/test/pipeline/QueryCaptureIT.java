package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.sluice.apply.TargetWriter;
import io.sluice.capture.CaptureSingleton;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbQueryStateStore;
import io.sluice.checkpoint.QueryState;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.MetricNames;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Query capture ({@code capture.method: query}) end to end on the embedded PostgreSQL source, in
 * SQL Greenplum 7 also accepts: each mode under concurrent writes, a transaction that commits late
 * with an older watermark, a clock ahead of the source's, NULL watermarks and deletes; a table
 * switched between modes; capture stopped in the middle of a poll. Each ends with an exact compare.
 */
class QueryCaptureIT {
  private static final Map<String, String> QUERY =
      Map.of(
          "SLUICE_CAPTURE_METHOD", "query",
          "SLUICE_CAPTURE_QUERY_POLL_INTERVAL", "200ms",
          "SLUICE_CAPTURE_QUERY_LOOKBACK", "1m");

  /**
   * Group {@code polled} is diffed only hourly, so what reaches its target in a test came by
   * polling; group {@code diffed} is diffed every two seconds.
   */
  private static final String GROUPS =
      """
      - name: polled
        tables: [fills, quotes]
        partitions: 2
        watermark: {fills: updated_at}
        append-only: {quotes: load_id}
        diff-interval: 1h
      - name: diffed
        tables: [positions, refs]
        watermark: {positions: updated_at}
        diff-interval: 2s
      """;

  private static final String FILLS = "id, px, trader, updated_at";
  private static final String QUOTES = "id, load_id, px";
  private static final String POSITIONS = "id, qty, updated_at";
  private static final String REFS = "code, name";

  @Test
  void everyModeFollowsConcurrentWritesLateCommitsSkewedClocksNullWatermarksAndDeletes()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("query capture");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS, QUERY);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      createTables(source);
      pipeline.prepare();
      CaptureSingleton capture = pipeline.startCapture();
      pipeline.startApply();
      awaitAllEqual(pipeline, source, target);

      // a clock an hour ahead stamps one row: the watermark must not jump past later rows
      exec(
          source,
          "INSERT INTO fills VALUES (900001, 1, 'ahead', clock_timestamp() + interval '1 hour')");
      try (Writer writer = new Writer(slice)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.transactions() >= 30);

        // a transaction stamps its row at its start and commits after later polls
        try (Connection late = slice.connectSource()) {
          late.setAutoCommit(false);
          exec(late, "UPDATE fills SET trader = 'late', updated_at = now() WHERE id = 4990");
          long startedMicros = micros(late, "SELECT now()");
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> capture.stats().observedThroughMicros() > startedMicros + 2_000_000);
          late.commit();
        }
        assertThat(storedWatermarkIsPast(pipeline, source, "public.fills", 4990))
            .as("the late row's watermark is below the stored one when it commits")
            .isTrue();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  pipeline.assertHealthy();
                  assertThat(PipelineFixture.rows(target, "fills WHERE id = 4990", "trader", "id"))
                      .containsExactly("(late)");
                });
        // a column added while writes go on: announced by the next poll, filled by the diff
        exec(source, "ALTER TABLE positions ADD COLUMN note text DEFAULT 'n'");
        exec(
            source,
            "UPDATE positions SET note = 'changed', updated_at = clock_timestamp() WHERE id <= 10");
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.transactions() >= 80);
        writer.stop();
      }
      awaitAllEqual(pipeline, source, target);
      pipeline.awaitTargetMatches(source, target, "positions", POSITIONS + ", note", "id");
      // idle now: polls read the look-back window again, but send nothing unchanged
      double sentBefore = fillsSent(pipeline);
      long through = capture.stats().observedThroughMicros();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> capture.stats().observedThroughMicros() > through + 2_000_000);
      assertThat(fillsSent(pipeline)).isEqualTo(sentBefore);
      Counter diffChanges =
          pipeline
              .meters
              .find(MetricNames.CAPTURE_DIFF_CHANGES)
              .tag("table", "public.positions")
              .counter();
      assertThat(diffChanges).isNotNull();
      assertThat(diffChanges.count())
          .as("deletes and NULL-watermark rows of a watermark table come by the diff")
          .isPositive();
      assertThat(
              pipeline
                  .meters
                  .find(MetricNames.CAPTURE_DIFF_CHANGES)
                  .tag("table", "public.fills")
                  .counter())
          .as("no diff of group polled ran: what reached it came by polling")
          .isNull();

      VerifyReport report =
          new Verifier(
                  pipeline.config,
                  pipeline.controlPlane().checkpoints(),
                  () -> new TargetWriter()::write,
                  Clock.systemUTC())
              .run(
                  new VerifyOptions(
                      Optional.empty(), Optional.empty(), 1_000, 5, Duration.ofSeconds(60), false),
                  line -> {});
      assertThat(report.matches()).as("%s", report).isTrue();
      assertThat(report.tables()).hasSize(4);
    }
  }

  @Test
  void aTableSwitchedBetweenModesStaysExact() throws Exception {
    String asDiff =
        """
        - name: book
          tables: [fills]
          diff-interval: 1s
        """;
    String asWatermark =
        """
        - name: book
          tables: [fills]
          watermark: {fills: updated_at}
          diff-interval: 1h
        """;
    try (TestIsolation slice = TestIsolation.create("query modes")) {
      try (Connection source = slice.connectSource()) {
        createTables(source);
      }
      PipelineFixture diff = new PipelineFixture(slice, asDiff, QUERY);
      try (Connection source = slice.connectSource();
          Connection target = slice.connectTarget()) {
        diff.startCapture();
        diff.startApply();
        diff.awaitTargetMatches(source, target, "fills", FILLS, "id");
        exec(
            source,
            "UPDATE fills SET px = px + 1 WHERE id <= 100",
            "DELETE FROM fills WHERE id = 200");
        diff.awaitTargetMatches(source, target, "fills", FILLS, "id");
      } finally {
        diff.closeKeepingDatabases();
      }
      // changed while no capture runs: the switch to watermark mode must still bring them
      try (Connection source = slice.connectSource()) {
        exec(
            source,
            "UPDATE fills SET trader = 'between', updated_at = '2001-01-01' WHERE id = 300",
            "DELETE FROM fills WHERE id = 301");
      }
      PipelineFixture watermark = new PipelineFixture(slice, asWatermark, QUERY);
      try (Connection source = slice.connectSource();
          Connection target = slice.connectTarget()) {
        watermark.startCapture();
        watermark.startApply();
        watermark.awaitTargetMatches(source, target, "fills", FILLS, "id");
        exec(source, "UPDATE fills SET px = px + 1, updated_at = clock_timestamp() WHERE id <= 50");
        watermark.awaitTargetMatches(source, target, "fills", FILLS, "id");
      } finally {
        watermark.closeKeepingDatabases();
      }
      try (Connection source = slice.connectSource()) {
        exec(source, "DELETE FROM fills WHERE id = 400");
      }
      try (PipelineFixture back = new PipelineFixture(slice, asDiff, QUERY);
          Connection source = slice.connectSource();
          Connection target = slice.connectTarget()) {
        back.startCapture();
        back.startApply();
        back.awaitTargetMatches(source, target, "fills", FILLS, "id");
      }
    }
  }

  @Test
  void captureStoppedInTheMiddleOfAPollLosesNothing() throws Exception {
    String groups =
        """
        - name: book
          tables: [fills]
          partitions: 2
          watermark: {fills: updated_at}
          diff-interval: 1h
        """;
    try (TestIsolation slice = TestIsolation.create("query restart");
        PipelineFixture pipeline = new PipelineFixture(slice, groups, QUERY);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      createTables(source);
      exec(
          source,
          "INSERT INTO fills SELECT g, g, 't' || g, clock_timestamp()"
              + " FROM generate_series(10001, 200000) g");
      pipeline.startCapture();
      pipeline.startApply();
      pipeline.awaitTargetMatches(source, target, "fills", FILLS, "id");

      exec(source, "UPDATE fills SET px = px * 2, updated_at = clock_timestamp()");
      Counter updates =
          pipeline
              .meters
              .find(MetricNames.CAPTURE_EVENTS)
              .tag("table", "public.fills")
              .tag("op", "update")
              .counter();
      double before = updates == null ? 0 : updates.count();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                Counter c =
                    pipeline
                        .meters
                        .find(MetricNames.CAPTURE_EVENTS)
                        .tag("table", "public.fills")
                        .tag("op", "update")
                        .counter();
                return c != null && c.count() > before;
              });
      pipeline.stopCapture();
      double sent =
          pipeline
                  .meters
                  .find(MetricNames.CAPTURE_EVENTS)
                  .tag("table", "public.fills")
                  .tag("op", "update")
                  .counter()
                  .count()
              - before;
      assertThat(sent).as("stopped with part of the poll's 200,000 rows sent").isLessThan(200_000);

      pipeline.startCaptureThroughFaults();
      pipeline.awaitTargetMatches(source, target, "fills", FILLS, "id");
    }
  }

  private static double fillsSent(PipelineFixture pipeline) {
    return pipeline
        .meters
        .find(MetricNames.CAPTURE_EVENTS)
        .tag("table", "public.fills")
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static void createTables(Connection source) throws Exception {
    exec(
        source,
        "CREATE TABLE fills (id bigint PRIMARY KEY, px numeric(38,18) NOT NULL, trader text,"
            + " updated_at timestamptz NOT NULL)",
        "CREATE INDEX ON fills (updated_at)",
        "INSERT INTO fills SELECT g, g * 1.000000000000000001, 't' || g, clock_timestamp()"
            + " FROM generate_series(1, 5000) g",
        "CREATE TABLE quotes (id bigint PRIMARY KEY, load_id bigint NOT NULL, px numeric)",
        "INSERT INTO quotes SELECT g, 1, g / 7.0 FROM generate_series(1, 2000) g",
        "CREATE TABLE positions (id int PRIMARY KEY, qty numeric, updated_at timestamptz)",
        "INSERT INTO positions SELECT g, g, clock_timestamp() FROM generate_series(1, 1000) g",
        "CREATE TABLE refs (code text PRIMARY KEY, name text)",
        "INSERT INTO refs SELECT 'c' || g, 'name ' || g FROM generate_series(1, 100) g",
        "ANALYZE");
  }

  private static void awaitAllEqual(
      PipelineFixture pipeline, Connection source, Connection target) {
    pipeline.awaitTargetMatches(source, target, "fills", FILLS, "id");
    pipeline.awaitTargetMatches(source, target, "quotes", QUOTES, "id");
    pipeline.awaitTargetMatches(source, target, "positions", POSITIONS, "id");
    pipeline.awaitTargetMatches(source, target, "refs", REFS, "code");
  }

  private static long micros(Connection c, String timeQuery) throws Exception {
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT (extract(epoch FROM (" + timeQuery + ")) * 1000000)::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Whether the stored watermark of {@code table} is past row {@code id}'s watermark. */
  private static boolean storedWatermarkIsPast(
      PipelineFixture pipeline, Connection source, String table, long id) throws Exception {
    try (DynamoDbClient dynamo = DynamoDbClients.create(pipeline.config.dynamoDb())) {
      QueryState state =
          new DynamoDbQueryStateStore(
                  dynamo,
                  new StateTables(pipeline.config.dynamoDb().tablePrefix()),
                  pipeline.config.name(),
                  Clock.systemUTC())
              .load()
              .orElseThrow();
      String mark = state.tables().get(table).watermark().orElseThrow();
      try (PreparedStatement ps =
          source.prepareStatement(
              "SELECT CAST(? AS timestamptz) > updated_at FROM " + table + " WHERE id = ?")) {
        ps.setString(1, mark);
        ps.setLong(2, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getBoolean(1);
        }
      }
    }
  }

  /** Writes to every table in each mode's way until stopped. */
  private static final class Writer implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger transactions = new AtomicInteger();
    private final Future<?> run;

    Writer(TestIsolation slice) {
      run =
          thread.submit(
              () -> {
                Random random = new Random(11);
                long nextFill = 100_000;
                long nextQuote = 100_000;
                int nextPosition = 100_000;
                int nextRef = 1_000;
                try (Connection c = slice.connectSource()) {
                  c.setAutoCommit(false);
                  for (long batch = 2; !stop.get(); batch++) {
                    int from = 1 + random.nextInt(4_900);
                    exec(
                        c,
                        // one statement stamps 20 rows with the same value: a tie
                        "UPDATE fills SET px = px + 1, updated_at = now() WHERE id BETWEEN "
                            + from
                            + " AND "
                            + (from + 19),
                        "INSERT INTO fills VALUES ("
                            + nextFill++
                            + ", 3.5, 'new', clock_timestamp())",
                        "INSERT INTO quotes SELECT g, "
                            + batch
                            + ", g / 3.0 FROM generate_series("
                            + nextQuote
                            + ", "
                            + (nextQuote + 9)
                            + ") g",
                        "UPDATE positions SET qty = qty + 1, updated_at = clock_timestamp()"
                            + " WHERE id = "
                            + (1 + random.nextInt(1_000)),
                        "DELETE FROM positions WHERE id = " + (1 + random.nextInt(1_000)),
                        "INSERT INTO positions VALUES ("
                            + nextPosition++
                            + ", 1, "
                            + (batch % 3 == 0 ? "NULL" : "clock_timestamp()")
                            + ")",
                        "UPDATE refs SET name = name || '.' WHERE code = 'c"
                            + (1 + random.nextInt(100))
                            + "'",
                        "DELETE FROM refs WHERE code = 'c" + (1 + random.nextInt(100)) + "'",
                        "INSERT INTO refs VALUES ('n" + nextRef++ + "', 'new')");
                    nextQuote += 10;
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
