package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.core.ConfigException;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * A column of a type sluice cannot carry exactly stops the pipeline at startup, with a message
 * naming table, column and type (invariant 4), before anything is created on the target.
 */
class TypeRefusalIT {

  @Test
  void columnsOfTypesSluiceCannotCarryStopStartupNamingTableColumnAndType() throws Exception {
    try (TestIsolation slice = TestIsolation.create("type refusal");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice, "- name: odd\n  tables: [odd, clocks, spans, fine]\n  partitions: 1\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TYPE pair AS (a int, b text)",
          "CREATE TYPE shade AS ENUM ('dark', 'light')",
          "CREATE DOMAIN finite_span AS interval CHECK (isfinite(VALUE))",
          "CREATE DOMAIN local_times AS timetz",
          "CREATE TABLE odd (id int PRIMARY KEY, at_local timetz, price_ok money, spot point,"
              + " p pair, pairs pair[], span interval,"
              + " late local_times, doc xml, bits_ok bit(3), span_ok interval"
              + " CHECK (isfinite(span_ok)), span_domain_ok finite_span, at_locals_ok timetz[],"
              + " spans_ok interval[], shade_ok shade)",
          "CREATE TABLE clocks (at local_times PRIMARY KEY, note text)",
          "CREATE TABLE spans (id int, span interval, PRIMARY KEY (id, span))",
          "CREATE TABLE fine (id int PRIMARY KEY, note text)");

      ConfigException e = catchThrowableOfType(ConfigException.class, pipeline::startCapture);

      assertThat(e.problems())
          .containsExactlyInAnyOrder(
              "table public.odd column spot has type point, which sluice cannot carry exactly yet"
                  + exclude("spot"),
              "table public.odd column p has type pair, which sluice cannot carry exactly yet"
                  + exclude("p"),
              "table public.odd column pairs has type pair[], which sluice cannot carry exactly"
                  + " yet"
                  + exclude("pairs"),
              "table public.clocks key column at has type local_times, whose streamed values"
                  + " sluice reads again from the source row by key (a timetz loses its offset in"
                  + " Debezium 3.6.3, an infinite interval arrives as 0): it cannot be part of the"
                  + " key",
              "table public.spans key column span has type interval, whose streamed values sluice"
                  + " reads again from the source row by key (a timetz loses its offset in Debezium"
                  + " 3.6.3, an infinite interval arrives as 0): it cannot be part of the key",
              "table public.odd column doc has type xml, which sluice cannot carry exactly yet"
                  + exclude("doc"));
      assertThat(
              rows(
                  target,
                  "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                      + " WHERE n.nspname = 'public'",
                  "c.relname",
                  "1"))
          .as("nothing created on the target")
          .isEmpty();
      assertThat(
              rows(
                  target,
                  "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                      + " WHERE n.nspname = 'public'",
                  "t.typname",
                  "1"))
          .isEmpty();
    }
  }

  private static String exclude(String column) {
    return ": leave the column out with exclude-columns of group 'odd' (public.odd: "
        + column
        + "), or take the table out of the group";
  }

  @Test
  void aDomainOverAnEnumAnywhereInTheSourceStopsStartupBecauseDebeziumCannotLoadIt()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("type refusal debezium");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: fine\n  tables: [fine]\n  partitions: 1\n");
        Connection source = slice.connectSource()) {
      exec(
          source,
          "CREATE SCHEMA elsewhere",
          "CREATE TYPE elsewhere.mood AS ENUM ('calm')",
          "CREATE DOMAIN elsewhere.tame AS elsewhere.mood",
          "CREATE TABLE fine (id int PRIMARY KEY, note text)");

      ConfigException e = catchThrowableOfType(ConfigException.class, pipeline::startCapture);

      assertThat(e.problems())
          .containsExactly(
              "type elsewhere.tame is a domain over an enum (or another type of category E that"
                  + " is no enum): Debezium 3.6.3 cannot start while the source database has one,"
                  + " captured or not");
    }
  }
}
