package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.capture.query.GreenplumSql;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Greenplum-only SQL and the Greenplum paths, run against a PostgreSQL source database made to
 * answer as a Greenplum 7 coordinator does: a schema ahead of {@code pg_catalog} on its search path
 * holds a {@code version()} with Greenplum's text, a {@code gp_distribution_policy} table of
 * Greenplum 7's shape, and a {@code gp_get_endpoints()} function. No Greenplum server runs here;
 * this proves the statements against the catalog shape docs/greenplum.md describes, not against
 * Greenplum itself.
 */
class GreenplumLikeSourceIT {
  private static final String GROUPS =
      """
      - name: book
        tables: [fills, marks]
        partitions: 2
        watermark: {fills: updated_at}
        key-columns: {marks: "book_id, mark_date"}
        diff-interval: 1s
      """;

  private static final String COLUMNS = "book_id, fill_id, px, updated_at";

  @Test
  void queryCaptureLoadsByRangesOfTheDistributionKeyAndFollowsChanges() throws Exception {
    try (TestIsolation slice = TestIsolation.create("greenplum like");
        Connection setup = slice.connectSource()) {
      actAsGreenplum(setup);
      try (PipelineFixture pipeline =
              new PipelineFixture(
                  slice,
                  GROUPS,
                  Map.of(
                      "SLUICE_CAPTURE_METHOD", "query",
                      "SLUICE_CAPTURE_QUERY_POLL_INTERVAL", "200ms",
                      "SLUICE_CAPTURE_LOAD_CHUNK_ROWS", "1000"));
          Connection source = slice.connectSource();
          Connection target = slice.connectTarget()) {
        assertThat(GreenplumSql.isGreenplum(source)).isTrue();
        assertThat(GreenplumSql.parallelRetrieveCursors(source)).isTrue();
        assertThat(GreenplumSql.distributionKey(source, new TableId("public", "fills")))
            .containsExactly("fill_id");
        pipeline.startCapture();
        pipeline.startApply();
        pipeline.awaitTargetMatches(source, target, "public.fills", COLUMNS, "book_id, fill_id");

        List<LoadChunk> fills =
            pipeline.loadPlan().orElseThrow().chunks().stream()
                .filter(c -> c.table().equals(new TableId("public", "fills").quoted()))
                .toList();
        assertThat(fills).hasSizeGreaterThan(1);
        assertThat(fills)
            .as("a composite key is split by its distributed integer column")
            .extracting(LoadChunk::keyColumn)
            .allSatisfy(c -> assertThat(c).contains("fill_id"));

        exec(
            source,
            "UPDATE public.fills SET px = px + 1, updated_at = clock_timestamp()"
                + " WHERE fill_id % 7 = 0",
            // a randomly distributed table: no primary key, no replica identity, key-columns
            "UPDATE public.marks SET px = px * 2 WHERE book_id = 1",
            "DELETE FROM public.marks WHERE book_id = 2");
        pipeline.awaitTargetMatches(source, target, "public.fills", COLUMNS, "book_id, fill_id");
        pipeline.awaitTargetMatches(
            source, target, "public.marks", "book_id, mark_date, px", "book_id, mark_date");
      }
    }
  }

  @Test
  void logCaptureRefusesAGreenplumSourceNamingTheFix() throws Exception {
    try (TestIsolation slice = TestIsolation.create("greenplum log");
        Connection setup = slice.connectSource()) {
      actAsGreenplum(setup);
      try (PipelineFixture pipeline = new PipelineFixture(slice, GROUPS)) {
        assertThatThrownBy(pipeline::prepare)
            .hasMessageContaining("Greenplum has no usable logical decoding")
            .hasMessageContaining("set capture.method to query");
      }
    }
  }

  /** Makes the slice's source database answer Greenplum's catalog questions as Greenplum 7 does. */
  private static void actAsGreenplum(Connection c) throws Exception {
    String db;
    try (var st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_database()")) {
      rs.next();
      db = rs.getString(1);
    }
    exec(
        c,
        "CREATE SCHEMA gpfake",
        "CREATE FUNCTION gpfake.version() RETURNS text LANGUAGE sql AS $$SELECT 'PostgreSQL"
            + " 12.12 (Greenplum Database 7.0.0 build commit:0a7a3566873325aca1789ae6f818c80f17a9402d)"
            + " on x86_64-pc-linux-gnu, compiled by gcc (GCC) 8.5.0, 64-bit'::text$$",
        "CREATE TABLE gpfake.gp_distribution_policy (localoid oid, policytype \"char\","
            + " numsegments integer, distkey int2vector, distclass oidvector)",
        "CREATE FUNCTION gpfake.gp_get_endpoints() RETURNS TABLE (gp_segment_id integer,"
            + " auth_token text, cursorname text, sessionid integer, hostname text, port"
            + " integer, username text, state text, endpointname text) LANGUAGE sql AS"
            + " $$SELECT NULL::integer, NULL, NULL, NULL::integer, NULL, NULL::integer, NULL,"
            + " NULL, NULL WHERE false$$",
        "ALTER DATABASE \"" + db + "\" SET search_path = gpfake, pg_catalog, public",
        "CREATE TABLE public.fills (book_id integer, fill_id bigint, px numeric(38,18),"
            + " updated_at timestamptz NOT NULL, PRIMARY KEY (book_id, fill_id))",
        "CREATE INDEX ON public.fills (updated_at)",
        "INSERT INTO public.fills SELECT g % 5, g, g / 3.0, clock_timestamp()"
            + " FROM generate_series(1, 5000) g",
        "ANALYZE public.fills",
        "CREATE TABLE public.marks (book_id integer NOT NULL, mark_date date NOT NULL, px"
            + " numeric)",
        "INSERT INTO public.marks SELECT b, DATE '2026-01-01' + d, b * d / 7.0"
            + " FROM generate_series(1, 5) b, generate_series(0, 99) d",
        // DISTRIBUTED BY (fill_id): its attribute number, 2
        "INSERT INTO gpfake.gp_distribution_policy VALUES ('public.fills'::regclass, 'p', 2,"
            + " '2'::int2vector, ''::oidvector)");
  }
}
