package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The {@code orders} table most pipeline tests capture, and that {@link SourceWriter} writes to:
 * exact numerics, timestamps with and without time zone, text; 200 rows before capture starts.
 */
final class OrdersTable {
  /** Every column, in table order. */
  static final String COLUMNS = "id, px, qty, fee, trader, placed_at, settled_on, note";

  private OrdersTable() {}

  /** Creates the table on the source with rows 1 to 200, for the initial snapshot to copy. */
  static void create(Connection source) throws SQLException {
    create(source, 200);
  }

  /**
   * Creates the table on the source with rows 1 to {@code rows}; every 500th row has a note of 4 to
   * 7 KB, which the source keeps TOASTed.
   */
  static void create(Connection source, int rows) throws SQLException {
    exec(
        source,
        "CREATE TABLE orders (id bigint PRIMARY KEY, px numeric(38,18) NOT NULL,"
            + " qty numeric(38,18), fee numeric, trader text, placed_at timestamptz,"
            + " settled_on timestamp, note text)",
        "INSERT INTO orders SELECT g, g * 1.25, g, g / 7.0, 'trader ' || g,"
            + " '2024-01-01 00:00:00.000001+00'::timestamptz + g * interval '1 second 7"
            + " microseconds', NULL, CASE WHEN g % 500 = 0 THEN repeat('n', 4000 + g % 3000) END"
            + " FROM generate_series(1, "
            + rows
            + ") g");
  }

  /** Every row of one side, as text, by id. */
  static List<String> rows(Connection c) throws SQLException {
    return PipelineFixture.rows(c, "orders", COLUMNS, "id");
  }

  /** Waits until source and target hold the same rows, failing early if the pipeline failed. */
  static void awaitEqual(PipelineFixture pipeline, Connection source, Connection target) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              pipeline.assertHealthy();
              List<String> expected = rows(source);
              assertThat(rows(target)).isEqualTo(expected);
            });
  }
}
