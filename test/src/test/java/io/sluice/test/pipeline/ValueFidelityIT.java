package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.capture.internal.SourceTypes;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.embedded.TestIsolation;
import io.sluice.test.pipeline.EdgeValues.Column;
import io.sluice.test.pipeline.ExpectedTable.Compared;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every type sluice carries, at its edges, arrives on the target exactly as the source holds it,
 * whether the row was read by the initial snapshot, inserted while streaming, or updated while
 * streaming (invariant 4). Expected values are made on the target from the same literals and
 * compared there in SQL ({@link ExpectedTable}).
 */
class ValueFidelityIT {
  private static final int STREAMED = 100_000;

  /** The first rows read by Debezium's snapshot and carried through Kafka. */
  @Test
  void everyCarriedTypeRoundTripsExactlyBySnapshotStreamedInsertAndStreamedUpdate()
      throws Exception {
    roundTrips("kafka");
  }

  /** The first rows copied by the copy load, binary COPY from source to target. */
  @Test
  void everyCarriedTypeRoundTripsExactlyByCopyLoadStreamedInsertAndStreamedUpdate()
      throws Exception {
    roundTrips("copy");
  }

  private static void roundTrips(String initialLoad) throws Exception {
    try (TestIsolation slice = TestIsolation.create("value fidelity " + initialLoad);
        PipelineFixture pipeline =
            new PipelineFixture(
                slice,
                "- name: fidelity\n  tables: [fidelity]\n  partitions: 1\n",
                java.util.Map.of("SLUICE_CAPTURE_INITIAL_LOAD", initialLoad));
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      ExpectedTable fidelity = new ExpectedTable(source, target, "fidelity");
      // Defaults whose text forms pgjdbc and the target would misread, or that round floats:
      // sluice sets its own on every connection Debezium opens, the replication one included.
      exec(
          source,
          "ALTER DATABASE " + slice.sourceDatabase() + " SET IntervalStyle = 'sql_standard'",
          "ALTER DATABASE " + slice.sourceDatabase() + " SET extra_float_digits = 0",
          "ALTER DATABASE " + slice.sourceDatabase() + " SET bytea_output = 'escape'",
          "ALTER DATABASE " + slice.sourceDatabase() + " SET DateStyle = 'SQL, DMY'");
      exec(source, EdgeValues.USER_TYPES.toArray(String[]::new));
      fidelity.onSource(EdgeValues.createTable("{t}"));
      assertThat(baseTypes(source))
          .as("a column for every type SourceTypes accepts")
          .containsAll(SourceTypes.SUPPORTED_TYPES);
      List<Compared> columns =
          EdgeValues.COLUMNS.stream().map(c -> new Compared(c.name(), c.comparable())).toList();

      List<String> snapshotRows = inserts(0);
      fidelity.onSource(snapshotRows.toArray(String[]::new));
      pipeline.startCapture();
      pipeline.startApply();
      fidelity.create();
      fidelity.onExpected(snapshotRows.toArray(String[]::new));
      fidelity.awaitSame(pipeline, columns);

      fidelity.onBoth(inserts(STREAMED).toArray(String[]::new));
      fidelity.onBoth(updates(0).toArray(String[]::new));
      fidelity.onBoth(updates(STREAMED).toArray(String[]::new));
      fidelity.awaitSame(pipeline, columns);

      List<ChangeEvent> events = pipeline.topicEvents("fidelity");
      assertThat(events)
          .filteredOn(e -> e.op() == Op.SNAPSHOT)
          .as("the first rows came from the snapshot, or (copy load) straight to the target")
          .hasSize(initialLoad.equals("kafka") ? snapshotRows.size() : 0)
          .allSatisfy(e -> assertThat(Integer.parseInt(e.key().get("id"))).isLessThan(STREAMED));
      assertThat(events)
          .filteredOn(e -> e.op() == Op.INSERT)
          .hasSize(snapshotRows.size())
          .allSatisfy(e -> assertThat(Integer.parseInt(e.key().get("id"))).isGreaterThan(STREAMED));
      assertThat(events).filteredOn(e -> e.op() == Op.UPDATE).hasSize(2 * snapshotRows.size());
    }
  }

  /**
   * One row per edge value (that column set, the others NULL), one row with every column NULL and
   * one with every column at its first edge; ids follow {@code base}.
   */
  private static List<String> inserts(int base) {
    List<String> out = new ArrayList<>();
    int id = base;
    for (Column c : EdgeValues.COLUMNS) {
      for (String literal : c.edges()) {
        out.add(
            "INSERT INTO {t} (id, "
                + c.name()
                + ") VALUES ("
                + ++id
                + ", ("
                + literal
                + ")::"
                + EdgeValues.castType(c)
                + ")");
      }
    }
    out.add("INSERT INTO {t} (id) VALUES (" + ++id + ")");
    StringBuilder all = new StringBuilder("INSERT INTO {t} VALUES (" + ++id);
    for (Column c : EdgeValues.COLUMNS) {
      all.append(", (").append(c.edges().get(0)).append(")::").append(EdgeValues.castType(c));
    }
    out.add(all.append(")").toString());
    return out;
  }

  /**
   * For the rows {@link #inserts} wrote: each edge row's column moves to the column's next edge
   * value, the NULL row to every first edge, and the first-edge row to NULLs.
   */
  private static List<String> updates(int base) {
    List<String> out = new ArrayList<>();
    int id = base;
    StringBuilder toFirst = new StringBuilder("UPDATE {t} SET ");
    StringBuilder toNull = new StringBuilder("UPDATE {t} SET ");
    for (Column c : EdgeValues.COLUMNS) {
      List<String> edges = c.edges();
      for (int i = 0; i < edges.size(); i++) {
        String next = edges.size() == 1 ? "NULL" : edges.get((i + 1) % edges.size());
        out.add(
            "UPDATE {t} SET "
                + c.name()
                + " = ("
                + next
                + ")::"
                + EdgeValues.castType(c)
                + " WHERE id = "
                + ++id);
      }
      String separator = toFirst.length() > "UPDATE {t} SET ".length() ? ", " : "";
      toFirst
          .append(separator)
          .append(c.name())
          .append(" = (")
          .append(edges.get(0))
          .append(")::")
          .append(EdgeValues.castType(c));
      toNull.append(separator).append(c.name()).append(" = NULL");
    }
    out.add(toFirst.append(" WHERE id = ").append(++id).toString());
    out.add(toNull.append(" WHERE id = ").append(++id).toString());
    return out;
  }

  /** The base types of the table's columns, through arrays and domains. */
  private static Set<String> baseTypes(Connection c) throws SQLException {
    Set<String> out = new HashSet<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "WITH RECURSIVE t(oid) AS (SELECT atttypid FROM pg_attribute"
                    + " WHERE attrelid = 'fidelity'::regclass AND attnum > 0"
                    + " UNION SELECT unnest(ARRAY[y.typelem, y.typbasetype])"
                    + " FROM t JOIN pg_type y ON y.oid = t.oid)"
                    + " SELECT y.typname FROM t JOIN pg_type y ON y.oid = t.oid");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
