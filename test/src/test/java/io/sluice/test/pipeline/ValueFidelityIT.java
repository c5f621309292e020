package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.test.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every supported column type, at its edges, arrives on the target with exactly the source's text
 * form, whether the row was read by the initial snapshot or streamed from the slot (invariant 4).
 */
class ValueFidelityIT {
  private static final String GROUPS =
      """
      - name: fidelity
        tables: [public.fidelity]
        partitions: 1
      """;

  /** One column per supported base type; the keys are the column names. */
  private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

  /** Edge values as SQL literals (cast to the column's type), per column. */
  private static final Map<String, List<String>> EDGES = new LinkedHashMap<>();

  static {
    column("c_int2", "int2", "-32768", "32767", "0");
    column("c_int4", "int4", "-2147483648", "2147483647");
    column("c_int8", "int8", "-9223372036854775808", "9223372036854775807");
    column(
        "c_numeric",
        "numeric",
        "'NaN'",
        "'Infinity'",
        "'-Infinity'",
        "'" + "9".repeat(1000) + "'",
        "'-" + "1234567890".repeat(60) + "." + "0987654321".repeat(40) + "'",
        "'0." + "0".repeat(999) + "1'",
        "'1.50'",
        "'100.000'",
        "'-0.0'",
        "'0'",
        "'1e-20'");
    column(
        "c_numeric_38_18",
        "numeric(38,18)",
        "'99999999999999999999.999999999999999999'",
        "'-99999999999999999999.999999999999999999'",
        "'0.000000000000000001'",
        "'-0.000000000000000001'",
        "'0'");
    column(
        "c_float4",
        "float4",
        "'NaN'",
        "'Infinity'",
        "'-Infinity'",
        "'-0'",
        "'1.4e-45'",
        "'1.17549435e-38'",
        "'3.4028235e38'",
        "'0.1'",
        "'16777217'");
    column(
        "c_float8",
        "float8",
        "'NaN'",
        "'Infinity'",
        "'-Infinity'",
        "'-0'",
        "'4.9e-324'",
        "'2.2250738585072014e-308'",
        "'1.7976931348623157e308'",
        "'0.1'",
        "'9007199254740993'");
    column("c_bool", "bool", "true", "false");
    column(
        "c_text",
        "text",
        "''",
        "'🚀 👩‍👩‍👧 family'",
        "'e' || chr(769) || ' combining'",
        "'مرحبا עברית RTL'",
        "E'tab\\there\\nnew line\\r\\nback\\\\slash \"quote\" ''apostrophe'''",
        "'\\N'",
        // a user value equal to the placeholder sluice used to configure for unchanged TOAST
        "'__sluice_unchanged_toast__'",
        "'" + "long ".repeat(5000) + "'");
    column("c_varchar", "varchar(20)", "'trailing  '", "''", "'ünïcødé'");
    column("c_bpchar", "char(8)", "'ab'", "''", "'äbc'");
    column(
        "c_date",
        "date",
        "'2024-02-29'",
        "'1970-01-01'",
        "'1969-12-31'",
        "'0001-01-01'",
        "'0001-12-31 BC'",
        "'0001-02-29 BC'",
        "'0044-03-15 BC'",
        "'4713-01-01 BC'",
        "'10000-01-01'",
        "'5874897-12-31'",
        "'infinity'",
        "'-infinity'");
    column(
        "c_time",
        "time",
        "'00:00:00'",
        "'12:34:56.000001'",
        "'23:59:59.999999'",
        "'24:00:00'");
    column(
        "c_timestamp",
        "timestamp",
        "'2024-02-29 23:59:59.123456'",
        "'1970-01-01 00:00:00'",
        "'1969-12-31 23:59:59.999999'",
        "'1900-01-01 00:00:00.000001'",
        "'0001-01-01 00:00:00'",
        "'0001-02-29 12:00:00.5 BC'",
        "'0044-03-15 12:00:00 BC'",
        "'4713-01-01 00:00:00 BC'",
        "'10000-01-01 00:00:00'",
        "'294276-12-31 23:59:59.999999'",
        "'infinity'",
        "'-infinity'");
    column(
        "c_timestamptz",
        "timestamptz",
        "'2024-02-29 23:59:59.123456+05:45'",
        "'1970-01-01 00:00:00+00'",
        "'1969-12-31 23:59:59.999999+00'",
        "'1900-01-01 00:00:00.000001-03'",
        "'0001-01-01 00:00:00+00'",
        "'0001-02-29 12:00:00.5+00 BC'",
        "'0044-03-15 12:00:00+00 BC'",
        "'4713-01-01 00:00:00+00 BC'",
        "'10000-01-01 00:00:00+00'",
        "'294276-12-31 23:59:59.999999+00'",
        "'infinity'",
        "'-infinity'");
    column(
        "c_uuid",
        "uuid",
        "'00000000-0000-0000-0000-000000000000'",
        "'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'",
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'");
    column(
        "c_json",
        "json",
        "'{\"b\" : 1,  \"a\":\"\\u00e9\\ud83d\\ude80\", \"a\" : 2 }'",
        "'  [1, 2.50 ,3e2]  '",
        "'null'",
        "'\"é 🚀\"'",
        "E'{\"nested\":\\n\\t{\"x\": [true, false, null]}}'");
    column(
        "c_jsonb",
        "jsonb",
        "'{\"b\" : 1,  \"a\":\"\\u00e9\\ud83d\\ude80\", \"a\" : 2 }'",
        "'  [1, 2.50 ,3e2]  '",
        "'null'",
        "'\"é 🚀\"'",
        "'{\"n\": 1.000000000000000000001}'");
    column(
        "c_bytea",
        "bytea",
        "'\\x'",
        "'\\x00'",
        "'\\x0001ff00'",
        "'\\x" + "00ff".repeat(4096) + "'",
        // the bytes of the placeholder sluice configured before it was made unguessable
        "convert_to('__sluice_unchanged_toast__', 'UTF8')");
  }

  private static void column(String name, String type, String... edges) {
    COLUMNS.put(name, type);
    EDGES.put(name, List.of(edges));
  }

  private static final int STREAMED = 100_000;

  @Test
  void everySupportedTypeRoundTripsExactlyBySnapshotAndByStream() throws Exception {
    try (TestIsolation slice = TestIsolation.create("value fidelity");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      StringBuilder ddl = new StringBuilder("CREATE TABLE fidelity (id int PRIMARY KEY");
      COLUMNS.forEach((c, t) -> ddl.append(", ").append(c).append(' ').append(t));
      exec(source, ddl.append(")").toString());
      int snapshotRows = insertEdges(source, 0);

      pipeline.startCapture();
      pipeline.startApply();
      awaitRowCount(pipeline, target, snapshotRows);
      int streamedRows = insertEdges(source, STREAMED);
      awaitRowCount(pipeline, target, snapshotRows + streamedRows);

      List<ChangeEvent> events = RestartIT.readAll(pipeline, "fidelity");
      assertThat(events)
          .as("rows below %d come from the snapshot, the others from the stream", STREAMED)
          .allSatisfy(
              e ->
                  assertThat(e.op())
                      .isEqualTo(
                          Integer.parseInt(e.key().get("id")) < STREAMED
                              ? Op.SNAPSHOT
                              : Op.INSERT));
      Map<String, List<String>> differences = new TreeMap<>();
      for (String column : COLUMNS.keySet()) {
        Map<Integer, String> expected = columnText(source, column);
        Map<Integer, String> actual = columnText(target, column);
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
          String got = actual.get(e.getKey());
          if (!java.util.Objects.equals(e.getValue(), got)) {
            differences
                .computeIfAbsent(column, c -> new ArrayList<>())
                .add("id " + e.getKey() + ": source " + abbreviate(e.getValue()) + ", target "
                    + abbreviate(got));
          }
        }
      }
      assertThat(differences).as("columns whose target text differs from the source").isEmpty();
    }
  }

  @Test
  void explore() throws Exception {
    try (TestIsolation slice = TestIsolation.create("value explore");
        PipelineFixture pipeline = new PipelineFixture(slice, GROUPS);
        Connection source = slice.connectSource()) {
      StringBuilder ddl = new StringBuilder("CREATE TABLE fidelity (id int PRIMARY KEY");
      COLUMNS.forEach((c, t) -> ddl.append(", ").append(c).append(' ').append(t));
      exec(source, ddl.append(")").toString());
      int n = insertEdges(source, 0);
      var cap = pipeline.startCapture();
      await().atMost(Duration.ofSeconds(60)).until(() -> cap.stats().events("fidelity") >= n);
      int total = n + insertEdges(source, STREAMED);
      await().atMost(Duration.ofSeconds(60)).until(() -> cap.stats().events("fidelity") >= total);
      StringBuilder out = new StringBuilder();
      for (ChangeEvent e : RestartIT.readAll(pipeline, "fidelity")) {
        String id = e.key().get("id");
        for (String column : COLUMNS.keySet()) {
          String v = e.after().get(column);
          if (v != null) {
            String src;
            try (Statement st = source.createStatement();
                ResultSet rs = st.executeQuery("SET TimeZone='UTC'; SELECT " + column + "::text FROM fidelity WHERE id = " + id)) {
              rs.next();
              src = rs.getString(1);
            } catch (SQLException ex) {
              try (Statement st = source.createStatement()) {
                st.execute("SET TimeZone='UTC'");
              }
              try (Statement st = source.createStatement();
                  ResultSet rs = st.executeQuery("SELECT " + column + "::text FROM fidelity WHERE id = " + id)) {
                rs.next();
                src = rs.getString(1);
              }
            }
            out.append(e.op()).append(' ').append(id).append(' ').append(column).append(" src=").append(abbreviate(src)).append(" evt=").append(abbreviate(v)).append(src.equals(v) ? "" : "   <<<< DIFF").append('\n');
          }
          if (e.unchanged().contains(column)) out.append(id).append(' ').append(column).append(" UNCHANGED\n");
        }
      }
      java.nio.file.Files.writeString(java.nio.file.Path.of("/tmp/explore.txt"), out);
    }
  }

  /**
   * Inserts one row per edge value (that column set, the others NULL), one row with every column
   * NULL, and one row with every column at its first edge; ids start after {@code base}.
   */
  private static int insertEdges(Connection source, int base) throws SQLException {
    int id = base;
    try (Statement st = source.createStatement()) {
      for (Map.Entry<String, List<String>> c : EDGES.entrySet()) {
        for (String literal : c.getValue()) {
          st.execute(
              "INSERT INTO fidelity (id, "
                  + c.getKey()
                  + ") VALUES ("
                  + ++id
                  + ", ("
                  + literal
                  + ")::"
                  + COLUMNS.get(c.getKey())
                  + ")");
        }
      }
      st.execute("INSERT INTO fidelity (id) VALUES (" + ++id + ")");
      StringBuilder all = new StringBuilder("INSERT INTO fidelity VALUES (" + ++id);
      EDGES.forEach(
          (c, literals) ->
              all.append(", (").append(literals.get(0)).append(")::").append(COLUMNS.get(c)));
      st.execute(all.append(")").toString());
    }
    return id - base;
  }

  private static void awaitRowCount(PipelineFixture pipeline, Connection target, int rows) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .failFast("the pipeline stopped", pipeline::assertHealthy)
        .untilAsserted(
            () -> {
              try (Statement st = target.createStatement();
                  ResultSet rs = st.executeQuery("SELECT count(*) FROM fidelity")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(rows);
              }
            });
  }

  /** The column's text form per row id, in the UTC session time zone. */
  private static Map<Integer, String> columnText(Connection c, String column)
      throws SQLException {
    exec(c, "SET TimeZone = 'UTC'");
    Map<Integer, String> out = new TreeMap<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT id, " + column + "::text FROM fidelity ORDER BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getInt(1), rs.getString(2));
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "NULL";
    }
    return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 60) + "…' (" + s.length() + " chars)";
  }
}
