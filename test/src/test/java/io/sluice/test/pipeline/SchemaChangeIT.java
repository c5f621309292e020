package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.test.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Source schema changes while the pipeline runs: followed where safe, halting where not. */
class SchemaChangeIT {
  private static final String GROUPS =
      """
      - name: orders
        tables: [orders]
        partitions: 2
      - name: quotes
        tables: [quotes]
      """;

  @Test
  void addedWidenedAndDroppedColumnsAreFollowedAndANarrowingHaltsItsGroup() throws Exception {
    try (TestIsolation slice = TestIsolation.create("schema changes");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TABLE orders (id bigint PRIMARY KEY, qty int NOT NULL, code varchar(5),"
              + " px numeric(10,2), gone text NOT NULL)",
          "INSERT INTO orders SELECT g, g, 'c' || g, g * 1.25, 'old ' || g"
              + " FROM generate_series(1, 20) g",
          "CREATE TABLE quotes (id int PRIMARY KEY, v text)",
          "INSERT INTO quotes VALUES (1, '10'), (2, '20')");
      pipeline.startCapture();
      List<ApplyWorker> workers = pipeline.startApply();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> rows(target, "orders", "id", "id").size() == 20);

      exec(
          source,
          "ALTER TABLE orders ADD COLUMN venue text NOT NULL DEFAULT 'XNAS'",
          "ALTER TABLE orders ALTER COLUMN qty TYPE bigint",
          "ALTER TABLE orders ALTER COLUMN code TYPE varchar(20)",
          "ALTER TABLE orders ALTER COLUMN px TYPE numeric(14,4)",
          "ALTER TABLE orders DROP COLUMN gone",
          "INSERT INTO orders VALUES (100, 1000000000000, 'a much longer code', 12345.6789,"
              + " 'XLON')",
          "UPDATE orders SET qty = qty * 10000000000, px = px + 0.0001 WHERE id <= 5",
          "DELETE FROM orders WHERE id = 20");

      String columns = "id, qty, code, px, venue";
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsInstanceOf(SQLException.class) // until the column exists
          .untilAsserted(
              () -> {
                assertThat(workers.get(0).failure()).isEmpty();
                assertThat(rows(target, "orders", columns, "id"))
                    .isEqualTo(rows(source, "orders", columns, "id"));
              });
      assertThat(types(target, "orders"))
          .containsEntry("qty", "bigint")
          .containsEntry("code", "character varying(20)")
          .containsEntry("px", "numeric(14,4)")
          .containsEntry("venue", "text")
          .containsEntry("gone", "text");
      // The dropped column stays on the target: old rows keep their value, new rows have none.
      assertThat(rows(target, "orders", "id, gone", "id"))
          .startsWith("(1,\"old 1\")")
          .contains("(100,)");

      exec(
          source,
          "ALTER TABLE quotes ALTER COLUMN v TYPE integer USING v::integer",
          "INSERT INTO quotes VALUES (3, 30)");
      ApplyWorker quotes = workers.get(1);
      await().atMost(Duration.ofSeconds(60)).until(() -> quotes.failure().isPresent());
      assertThat(quotes.failure().get().getMessage())
          .contains("public.quotes")
          .contains("column v changed type from text to integer")
          .contains("ALTER COLUMN \"v\" TYPE integer");
      assertThat(rows(target, "quotes", "id, v", "id")).containsExactly("(1,10)", "(2,20)");
      assertThat(workers.get(0).failure()).isEmpty();
    }
  }

  private static Map<String, String> types(Connection c, String table) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                    + " WHERE attrelid = '"
                    + table
                    + "'::regclass AND attnum > 0 AND NOT attisdropped")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }
}
