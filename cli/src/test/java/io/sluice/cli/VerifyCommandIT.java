package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sluice verify} as an operator runs it: report, JSON, exit codes, repair. */
class VerifyCommandIT {
  @Test
  void verifyReportsMatchesAndDifferencesByExitCodeAndRepairs() throws Exception {
    try (TestIsolation slice = TestIsolation.create("verify command");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY, bid numeric(38,18), venue text)");
        st.execute("INSERT INTO quotes SELECT g, g / 7.0, 'X' || g FROM generate_series(1, 500) g");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "verify-it.yaml"),
              slice,
              "- {name: quotes, tables: [quotes], partitions: 2}");
      PipelineConfig config = new ConfigLoader(Map.of()).load(file);
      try (Pipeline pipeline = Pipeline.start(config)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> count(target) == 500);

        Run clean = run("verify", "-c", file.toString());
        assertThat(clean.exit).as(clean.out + clean.err).isZero();
        assertThat(clean.out)
            .contains("public.quotes")
            .contains("match")
            .contains("verified 1 tables, 500 rows")
            .contains("every table matches");

        try (Statement st = target.createStatement()) {
          st.execute("UPDATE quotes SET venue = 'elsewhere' WHERE id = 42");
          st.execute("DELETE FROM quotes WHERE id = 43");
        }
        Run differs = run("verify", "-c", file.toString(), "--table", "quotes");
        assertThat(differs.exit).as(differs.out + differs.err).isEqualTo(1);
        assertThat(differs.out)
            .contains("DIFFERS: 1 missing on target, 0 extra on target, 1 different")
            .contains("missing: id=43")
            .contains("different: id=42")
            .contains("chunk id in [")
            .doesNotContain("elsewhere");

        Run json = run("verify", "-c", file.toString(), "--json");
        assertThat(json.exit).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(json.out);
        assertThat(report.get("matches").asBoolean()).isFalse();
        assertThat(report.get("tables").get(0).get("missing").asLong()).isEqualTo(1);
        assertThat(report.get("tables").get(0).get("samples").get(0).asText())
            .isEqualTo("missing: id=43");

        Run repair = run("verify", "-c", file.toString(), "--repair");
        assertThat(repair.exit).as(repair.out + repair.err).isZero();
        assertThat(repair.out).contains("match (2 keys repaired)");
        assertThat(run("verify", "-c", file.toString()).exit).isZero();

        Run unknown = run("verify", "-c", file.toString(), "--table", "public.nope");
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(unknown.err).contains("captures no table public.nope");
      }
    }
  }

  @Test
  void scheduledVerificationReportsCleanRunsAndDifferencesInMetrics() throws Exception {
    try (TestIsolation slice = TestIsolation.create("verify scheduled");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY, bid numeric(38,18), venue text)");
        st.execute("INSERT INTO quotes SELECT g, g / 7.0, 'X' || g FROM generate_series(1, 500) g");
        st.execute("CREATE TABLE refs (code text PRIMARY KEY)");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "verify-scheduled-it.yaml"),
              slice,
              """
              - {name: quotes, tables: [quotes], partitions: 2}
              - {name: refs, tables: [refs], partitions: 1, verify-interval: 0s}""");
      PipelineConfig config =
          new ConfigLoader(
                  Map.of(
                      "SLUICE_VERIFY_INTERVAL", "1s",
                      "SLUICE_CAPTURE_HEARTBEAT_INTERVAL", "1s"))
              .load(file);
      try (Pipeline pipeline = Pipeline.start(config)) {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  String s = Observed.scrape(pipeline);
                  assertThat(s)
                      .containsPattern(
                          "sluice_verify_runs_total\\{group=\"quotes\",pipeline=\"[^\"]+\","
                              + "result=\"match\"} [1-9]");
                  assertThat(s).containsPattern("sluice_verify_rows_total\\{[^}]*} [1-9]");
                  assertThat(s)
                      .containsPattern("sluice_verify_last_clean_timestamp_seconds\\{[^}]*} [1-9]");
                  assertThat(s).contains("sluice_verify_differences{group=\"quotes\"");
                  assertThat(s)
                      .as("a group whose verify-interval is 0s is not verified")
                      .doesNotContain("sluice_verify_runs_total{group=\"refs\"");
                });
        try (Statement st = target.createStatement()) {
          st.execute("UPDATE quotes SET venue = 'elsewhere' WHERE id IN (1, 2)");
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(Observed.scrape(pipeline))
                        .containsPattern(
                            "sluice_verify_differences\\{group=\"quotes\",[^}]*} 2\\.0")
                        .containsPattern("result=\"differ\"} [1-9]"));
      }
    }
  }

  private static long count(Connection c) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM quotes")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
