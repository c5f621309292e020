package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A source table and its expected state on the target: every statement a test runs on the source
 * table also runs on {@code <table>_expected}, a copy of the target table sluice created (same
 * types), so that the target's own input functions make the expected values. The comparison runs in
 * SQL on the target, by each value's text (strict where a type's equality is lax: {@code -0} and
 * {@code 0}, {@code 1.50} and {@code 1.5}, {@code 1 mon} and {@code 30 days}) and, for types with
 * an equality operator, with {@code IS NOT DISTINCT FROM}.
 */
final class ExpectedTable {
  /** A column to compare, and whether its type has an equality operator. */
  record Compared(String name, boolean comparable) {}

  private final Connection source;
  private final Connection target;
  private final String table;

  ExpectedTable(Connection source, Connection target, String table) throws SQLException {
    this.source = source;
    this.target = target;
    this.table = table;
    exec(source, "SET TimeZone = 'UTC'");
    exec(target, "SET TimeZone = 'UTC'");
  }

  /** Creates the expected table like the target table; call after sluice created that. */
  void create() throws SQLException {
    exec(target, "CREATE TABLE " + expected() + " AS SELECT * FROM " + table + " WITH NO DATA");
  }

  /** Runs statements on the source, where {@code {t}} names the table. */
  void onSource(String... sql) throws SQLException {
    for (String s : sql) {
      exec(source, s.replace("{t}", table));
    }
  }

  /** Runs statements on the expected table, for rows the source had before the pipeline. */
  void onExpected(String... sql) throws SQLException {
    for (String s : sql) {
      exec(target, s.replace("{t}", expected()));
    }
  }

  /** Runs statements on the source table and on the expected table. */
  void onBoth(String... sql) throws SQLException {
    onSource(sql);
    onExpected(sql);
  }

  /** Waits until the target table holds exactly the expected rows. */
  void awaitSame(PipelineFixture pipeline, List<Compared> columns) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .failFast("the pipeline stopped", pipeline::assertHealthy)
        .untilAsserted(
            () ->
                assertThat(differences(columns))
                    .as("rows of %s whose target value differs from the expected", table)
                    .isEmpty());
  }

  /** Per differing column, up to five rows, described; empty when the tables are the same. */
  List<String> differences(List<Compared> columns) throws SQLException {
    List<String> out = new ArrayList<>();
    for (Compared c : columns) {
      String a = "a." + c.name();
      String e = "e." + c.name();
      String sql =
          "SELECT coalesce(a.id, e.id), a.id IS NULL, e.id IS NULL, left("
              + a
              + "::text, 60), length("
              + a
              + "::text), left("
              + e
              + "::text, 60), length("
              + e
              + "::text) FROM "
              + table
              + " a FULL JOIN "
              + expected()
              + " e ON a.id = e.id WHERE a.id IS NULL OR e.id IS NULL OR "
              + a
              + "::text IS DISTINCT FROM "
              + e
              + "::text"
              + (c.comparable() ? " OR NOT (" + a + " IS NOT DISTINCT FROM " + e + ")" : "")
              + " ORDER BY 1 LIMIT 5";
      try (PreparedStatement ps = target.prepareStatement(sql);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              c.name()
                  + " id "
                  + rs.getInt(1)
                  + (rs.getBoolean(2) ? ": missing on the target" : "")
                  + (rs.getBoolean(3) ? ": not expected" : "")
                  + ": target "
                  + describe(rs.getString(4), rs.getInt(5))
                  + ", expected "
                  + describe(rs.getString(6), rs.getInt(7)));
        }
      }
    }
    return out;
  }

  private String expected() {
    return table + "_expected";
  }

  private static String describe(String start, int length) {
    if (start == null) {
      return "NULL";
    }
    return length <= 60 ? "'" + start + "'" : "'" + start + "…' (" + length + " chars)";
  }
}
