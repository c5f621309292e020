package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.capture.CaptureSingleton;
import io.sluice.embedded.TestIsolation;
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
      CaptureSingleton capture = pipeline.startCapture();
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
      // Captured and applied count the same thing, the source's row changes: the schema change
      // announced to both partitions is neither.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(workers.get(0).stats().events())
                      .isEqualTo(capture.stats().events("orders"))
                      .isEqualTo(7));
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

  @Test
  void addedColumnsOfNewEnumsAndDomainsBringTheirTypesToTheTarget() throws Exception {
    try (TestIsolation slice = TestIsolation.create("schema change types");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: desk\n  tables: [bids, asks]\n  partitions: 2\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TABLE bids (id int PRIMARY KEY, px numeric(10,2))",
          "CREATE TABLE asks (id int PRIMARY KEY, px numeric(10,2))",
          "INSERT INTO bids SELECT g, g * 1.5 FROM generate_series(1, 10) g",
          "INSERT INTO asks SELECT g, g * 2.5 FROM generate_series(1, 10) g");
      pipeline.startCapture();
      pipeline.startApply();
      pipeline.awaitTargetMatches(source, target, "bids", "id, px", "id");
      pipeline.awaitTargetMatches(source, target, "asks", "id, px", "id");

      exec(
          source,
          "CREATE SCHEMA \"Desk Types\"",
          "CREATE TYPE \"Desk Types\".side AS ENUM ('buy', 'sell', 'it''s')",
          "CREATE DOMAIN lots AS integer NOT NULL DEFAULT 100 CHECK (VALUE > 0)",
          "CREATE DOMAIN small_lots AS lots CHECK (VALUE < 1000)",
          // both tables of the group meet the new enum, on different partitions
          "ALTER TABLE bids ADD COLUMN side \"Desk Types\".side, ADD COLUMN qty small_lots",
          "ALTER TABLE asks ADD COLUMN side \"Desk Types\".side DEFAULT 'sell'",
          "INSERT INTO bids VALUES (11, 9.5, 'it''s', 7)",
          "UPDATE bids SET side = 'buy', qty = 999 WHERE id <= 3",
          "DELETE FROM bids WHERE id = 4",
          "INSERT INTO asks VALUES (11, 3.5, 'buy')",
          "UPDATE asks SET side = 'it''s' WHERE id = 1");

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                pipeline.assertHealthy();
                assertThat(types(target, "bids")).containsKeys("side", "qty");
                assertThat(types(target, "asks")).containsKey("side");
              });
      pipeline.awaitTargetMatches(source, target, "bids", "id, px, side, qty", "id");
      pipeline.awaitTargetMatches(source, target, "asks", "id, px, side", "id");
      assertThat(types(target, "bids"))
          .containsEntry("side", "\"Desk Types\".side")
          .containsEntry("qty", "small_lots");
      String definitions =
          "pg_type t WHERE t.typname IN ('lots', 'small_lots', 'side') AND t.typtype <> 'b'";
      String definition =
          "t.typname, t.typtype, t.typnotnull, format_type(t.typbasetype, t.typtypmod),"
              + " t.typdefault, (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)"
              + " FROM pg_enum e WHERE e.enumtypid = t.oid),"
              + " (SELECT string_agg(pg_get_constraintdef(c.oid), ',' ORDER BY 1)"
              + " FROM pg_constraint c WHERE c.contypid = t.oid)";
      assertThat(rows(target, definitions, definition, "t.typname"))
          .hasSize(3)
          .isEqualTo(rows(source, definitions, definition, "t.typname"));
      assertThat(rows(target, "bids", "id, qty", "id")).startsWith("(1,999)").contains("(5,100)");
    }
  }

  static Map<String, String> types(Connection c, String table) throws Exception {
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
