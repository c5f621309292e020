package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.capture.CaptureService;
import io.sluice.capture.SourceCatalog;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.test.embedded.TestIsolation;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every supported column type, at its edges, arrives on the target with exactly the source's text
 * form, whether the row was read by the initial snapshot or streamed from the slot (invariant 4).
 *
 * <p>Known gap, left out below: the snapshot does not carry BC dates or date ±infinity exactly
 * (Debezium reads them through {@code java.sql.Date}).
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

  /** Edge values that only streaming carries exactly; the snapshot does not (see below). */
  private static final Map<String, List<String>> STREAMED_ONLY = new LinkedHashMap<>();

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
        "'10000-01-01'",
        "'5874897-12-31'");
    // Debezium's snapshot reads a date through java.sql.Date and drops its era: 0044-03-15 BC
    // arrives as 0044-03-15 (AD), 0001-02-29 BC as NULL, and infinity as a day outside
    // PostgreSQL's range (which stops capture). Streamed, they arrive exactly.
    streamedOnly(
        "c_date",
        "'0001-12-31 BC'",
        "'0001-02-29 BC'",
        "'0044-03-15 BC'",
        "'4713-01-01 BC'",
        "'infinity'",
        "'-infinity'");
    column("c_time", "time", "'00:00:00'", "'12:34:56.000001'", "'23:59:59.999999'", "'24:00:00'");
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
        // the last instant whose microseconds since 1970 fit a long; later ones Debezium loses
        "'294247-01-10 04:00:54.775806'",
        "'infinity'",
        "'-infinity'");
    // precision 0 to 3 travels in milliseconds, which reach past Debezium's microsecond limit
    column(
        "c_timestamp_3",
        "timestamp(3)",
        "'2024-02-29 23:59:59.123'",
        "'1969-12-31 23:59:59.999'",
        "'0001-02-29 12:00:00.5 BC'",
        "'4713-01-01 00:00:00 BC'",
        "'294276-12-31 23:59:59.999'",
        "'infinity'",
        "'-infinity'");
    column("c_time_3", "time(3)", "'23:59:59.999'", "'24:00:00'");
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

  private static void streamedOnly(String name, String... edges) {
    STREAMED_ONLY.put(name, List.of(edges));
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
      assertThat(baseTypes(source, "fidelity"))
          .as("a column for every type SourceCatalog accepts")
          .containsAll(supportedTypes());
      int snapshotRows = insertEdges(source, 0, EDGES);

      pipeline.startCapture();
      pipeline.startApply();
      awaitRowCount(pipeline, target, snapshotRows);
      int streamedRows = insertEdges(source, STREAMED, EDGES);
      streamedRows += insertEdges(source, STREAMED + streamedRows, STREAMED_ONLY);
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
      assertThat(differences(source, target, "fidelity", COLUMNS.keySet()))
          .as("columns whose target text differs from the source")
          .isEmpty();
    }
  }

  @Test
  void unchangedToastedValuesSurviveUpdatesOfOtherColumns() throws Exception {
    try (TestIsolation slice = TestIsolation.create("value toast");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: toast\n  tables: [toasty]\n  partitions: 1\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      List<String> columns = List.of("n", "t", "b", "j", "\"v,w\"", "big");
      // EXTERNAL storage moves the big values out of line uncompressed, so an update that does
      // not touch them leaves them out of the WAL record.
      exec(
          source,
          "CREATE TABLE toasty (id int PRIMARY KEY, n int, t text, b bytea, j jsonb,"
              + " v varchar(9000), big numeric)",
          "ALTER TABLE toasty ALTER t SET STORAGE EXTERNAL, ALTER b SET STORAGE EXTERNAL,"
              + " ALTER j SET STORAGE EXTERNAL, ALTER v SET STORAGE EXTERNAL,"
              + " ALTER big SET STORAGE EXTERNAL",
          "INSERT INTO toasty SELECT g, g, " + BIG_VALUES + " FROM generate_series(1, 3) g",
          // a name that a comma-joined list of unchanged columns would split
          "ALTER TABLE toasty RENAME v TO \"v,w\"");
      pipeline.startCapture();
      pipeline.startApply();
      awaitRowCount(pipeline, target, "toasty", 3);

      exec(
          source,
          // the target holds the row: the update must keep its TOASTed columns
          "UPDATE toasty SET n = n + 10 WHERE id = 1",
          // one TOASTed column changes, the others do not
          "UPDATE toasty SET t = 'changed ' || t, n = 20 WHERE id = 2",
          // insert and untouched-TOAST update of a new row, likely in one apply batch
          "BEGIN",
          "INSERT INTO toasty SELECT g, g, " + BIG_VALUES + " FROM generate_series(4, 5) g",
          "UPDATE toasty SET n = 40 WHERE id = 4",
          "COMMIT",
          "UPDATE toasty SET n = 50 WHERE id = 5");

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .failFast("the pipeline stopped", pipeline::assertHealthy)
          .untilAsserted(
              () ->
                  assertThat(differences(source, target, "toasty", columns))
                      .as("columns whose target text differs from the source")
                      .isEmpty());
      assertThat(RestartIT.readAll(pipeline, "toast"))
          .as("the updates that left TOASTed columns alone carried them as unchanged")
          .filteredOn(e -> e.op() == Op.UPDATE && !e.unchanged().isEmpty())
          .extracting(e -> e.key().get("id"))
          .contains("1", "4", "5");
    }
  }

  /** Large, uncompressed values for toasty's t, b, j, v and big, varying with {@code g}. */
  private static final String BIG_VALUES =
      "(SELECT string_agg(md5(g::text || i::text), '') FROM generate_series(1, 150) i),"
          + " (SELECT decode(string_agg(md5(i::text || g::text), ''), 'hex')"
          + " FROM generate_series(1, 250) i),"
          + " jsonb_build_object('k', (SELECT string_agg(md5(i::text), '') FROM"
          + " generate_series(g, g + 150) i)),"
          + " (SELECT string_agg(md5((i * g)::text), '') FROM generate_series(1, 150) i),"
          + " ('1' || repeat('234567890', 900) || '.5')::numeric * g";

  @Test
  void aTimestampDebeziumCannotCarryStopsCaptureNamingTableAndColumn() throws Exception {
    try (TestIsolation slice = TestIsolation.create("value beyond range");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: late\n  tables: [late]\n  partitions: 1\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(source, "CREATE TABLE late (id int PRIMARY KEY, at timestamp)");
      CaptureService capture = pipeline.startCapture();
      pipeline.startApply();
      // Debezium saturates its microseconds since 1970 and cannot say which instant this was.
      exec(source, "INSERT INTO late VALUES (1, '294276-12-31 23:59:59.999999')");

      await().atMost(Duration.ofSeconds(60)).until(() -> capture.failure().isPresent());
      assertThat(capture.failure().get())
          .hasMessageContaining("public.late")
          .hasMessageContaining("column at of type timestamp without time zone")
          .hasMessageContaining("cannot be carried exactly");
      try (Statement st = target.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM late")) {
        rs.next();
        assertThat(rs.getInt(1)).as("nothing written in place of the lost value").isZero();
      }
    }
  }

  private static List<String> baseTypes(Connection c, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Set<String> supportedTypes() throws ReflectiveOperationException {
    Field f = SourceCatalog.class.getDeclaredField("SUPPORTED_TYPES");
    f.setAccessible(true);
    return (Set<String>) f.get(null);
  }

  /** Per column, the rows whose text on the target differs from the source, described. */
  private static Map<String, List<String>> differences(
      Connection source, Connection target, String table, Collection<String> columns)
      throws SQLException {
    Map<String, List<String>> differences = new TreeMap<>();
    for (String column : columns) {
      Map<Integer, String> expected = columnText(source, table, column);
      Map<Integer, String> actual = columnText(target, table, column);
      if (!actual.keySet().equals(expected.keySet())) {
        differences.put("ids", List.of("source " + expected.keySet(), "target " + actual.keySet()));
        return differences;
      }
      expected.forEach(
          (id, text) -> {
            if (!Objects.equals(text, actual.get(id))) {
              differences
                  .computeIfAbsent(column, c -> new ArrayList<>())
                  .add(
                      "id "
                          + id
                          + ": source "
                          + abbreviate(text)
                          + ", target "
                          + abbreviate(actual.get(id)));
            }
          });
    }
    return differences;
  }

  /**
   * Inserts one row per edge value (that column set, the others NULL), and for {@link #EDGES} one
   * row with every column NULL and one with every column at its first edge; ids follow {@code
   * base}. Returns the number of rows.
   */
  private static int insertEdges(Connection source, int base, Map<String, List<String>> edges)
      throws SQLException {
    int id = base;
    try (Statement st = source.createStatement()) {
      for (Map.Entry<String, List<String>> c : edges.entrySet()) {
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
      if (edges != EDGES) {
        return id - base;
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
    awaitRowCount(pipeline, target, "fidelity", rows);
  }

  private static void awaitRowCount(
      PipelineFixture pipeline, Connection target, String table, int rows) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .failFast("the pipeline stopped", pipeline::assertHealthy)
        .untilAsserted(
            () -> {
              try (Statement st = target.createStatement();
                  ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(rows);
              }
            });
  }

  /** The column's text form per row id, in the UTC session time zone. */
  private static Map<Integer, String> columnText(Connection c, String table, String column)
      throws SQLException {
    exec(c, "SET TimeZone = 'UTC'");
    Map<Integer, String> out = new TreeMap<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT id, " + column + "::text FROM " + table + " ORDER BY id");
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
    return s.length() <= 80
        ? "'" + s + "'"
        : "'" + s.substring(0, 60) + "…' (" + s.length() + " chars)";
  }
}
