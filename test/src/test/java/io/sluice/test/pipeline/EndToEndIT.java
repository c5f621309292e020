package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** Snapshot plus streamed inserts, updates and deletes over two groups reach the target exactly. */
class EndToEndIT {
  static final String GROUPS =
      """
      - name: orders
        tables: [public.orders]
        partitions: 3
      - name: reference
        tables: ["public.ref_*"]
        partitions: 1
      """;

  @Test
  void snapshotAndStreamedChangesOfTwoGroupsArriveExactly() throws Exception {
    try (TestIsolation slice = TestIsolation.create("e2e two groups");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      OrdersTable.create(source);
      exec(
          source,
          "CREATE TABLE ref_venue (code text PRIMARY KEY, name text NOT NULL, active boolean)",
          "CREATE TABLE ref_fx (base char(3), quote char(3), rate numeric(20,8),"
              + " as_of date, PRIMARY KEY (base, quote))",
          "INSERT INTO ref_venue VALUES ('XNAS', 'Nasdaq', true), ('XLON', 'London', true)",
          "INSERT INTO ref_fx VALUES ('EUR', 'USD', 1.08123456, '2024-01-02')");
      pipeline.startCapture();
      pipeline.startApply();

      exec(
          source,
          // NUMERIC(38,18) at its limits and an unconstrained NUMERIC with 66 significant digits
          "INSERT INTO orders VALUES (1001, 99999999999999999999.999999999999999999,"
              + " -99999999999999999999.999999999999999999,"
              + " 123456789012345678901234567890123456789012345678901234567890.123456,"
              + " 'Zoë Ñúñez 王小明 🚀 مرحبا e\u0301', '2024-02-29 23:59:59.123456+05:45',"
              + " '1999-12-31 23:59:59.999999', 'tab\tnew\nline back\\\\slash')",
          "INSERT INTO orders VALUES (1002, 0.000000000000000001, 0, -0.0000000000000000000000001,"
              + " 'Łukasz Żółć', '1970-01-01 00:00:00+00', '2038-01-19 03:14:08.000001', NULL)",
          "UPDATE orders SET px = px + 0.000000000000000001, note = 'updated' WHERE id <= 50",
          "DELETE FROM orders WHERE id BETWEEN 51 AND 60",
          "BEGIN",
          "UPDATE orders SET qty = 1 WHERE id = 70",
          "UPDATE orders SET qty = 2 WHERE id = 70",
          "UPDATE orders SET qty = 3 WHERE id = 70",
          "COMMIT",
          // a primary-key update moves the row
          "UPDATE orders SET id = 5000 WHERE id = 80",
          // delete and re-insert the same key
          "DELETE FROM orders WHERE id = 90",
          "INSERT INTO orders VALUES (90, 9.5, 9, 9, 'reborn', now(), NULL, 'again')",
          "UPDATE ref_venue SET name = 'Nasdaq Stock Market' WHERE code = 'XNAS'",
          "DELETE FROM ref_venue WHERE code = 'XLON'",
          "INSERT INTO ref_venue VALUES ('XPAR', 'Euronext Paris', false)",
          "UPDATE ref_fx SET rate = 1.09000001 WHERE base = 'EUR'");

      OrdersTable.awaitEqual(pipeline, source, target);
      pipeline.awaitTargetMatches(source, target, "ref_venue", "code, name, active", "code");
      pipeline.awaitTargetMatches(
          source, target, "ref_fx", "base, quote, rate, as_of", "base, quote");

      assertThat(rows(target, "orders", "fee", "id"))
          .contains("(123456789012345678901234567890123456789012345678901234567890.123456)");
      assertThat(rows(target, "orders", "id", "id")).contains("(5000)").doesNotContain("(80)");
      assertThat(rows(target, "orders", "qty", "id = 70 DESC").get(0))
          .isEqualTo("(3.000000000000000000)");
    }
  }
}
