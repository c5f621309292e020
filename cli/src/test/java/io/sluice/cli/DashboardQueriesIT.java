package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.observe.DeployFiles;
import io.sluice.embedded.observe.ToolServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Real Prometheus scrapes a live embedded pipeline under write load; every query of every panel of
 * every dashboard in {@code deploy/grafana}, and every template variable query, runs through
 * Prometheus's HTTP API without error, and returns data where the pipeline has it.
 */
class DashboardQueriesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Panels whose series exist only once something went wrong: no errors, no dead letters. */
  private static final Set<String> EMPTY_WHEN_HEALTHY =
      Set.of("Errors by class", "Dead-letter records");

  /**
   * Panels whose series only query capture exports: they must run here, and have data in {@link
   * #queryCapturePanelsHaveDataUnderQueryCapture}.
   */
  private static final Set<String> QUERY_CAPTURE_ONLY = Set.of("Query capture diffs");

  @Test
  void everyPanelQueryRunsAndHasData() throws Exception {
    try (TestIsolation slice = TestIsolation.create("dashboards");
        Connection source = slice.connectSource()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE fills (id bigserial PRIMARY KEY, qty int, px numeric(38,18))");
        st.execute("CREATE TABLE refs (code text PRIMARY KEY, name text)");
        st.execute("INSERT INTO fills (qty, px) SELECT g, g / 7.0 FROM generate_series(1, 500) g");
        st.execute("INSERT INTO refs SELECT 'c' || g, 'n' || g FROM generate_series(1, 20) g");
        st.execute("ANALYZE fills, refs");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "dashboards-it.yaml"),
              slice,
              """
              - {name: fills, tables: [fills], partitions: 2}
              - {name: refs, tables: [refs], partitions: 1}""");
      Map<String, String> env = new java.util.HashMap<>(Observed.FAST);
      env.put("SLUICE_VERIFY_INTERVAL", "2s"); // the verification panel has data
      PipelineConfig config = new ConfigLoader(env).load(file);
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicReference<Exception> writerFailure = new AtomicReference<>();
      try (Pipeline pipeline = Pipeline.start(config);
          ToolServer prometheus =
              ToolServer.prometheus(
                  Path.of("target", "dashboards-it-prometheus").toAbsolutePath(),
                  Observed.prometheusConfig(pipeline, null))) {
        Thread writer =
            new Thread(
                () -> {
                  try (Connection c = slice.connectSource();
                      Statement st = c.createStatement()) {
                    for (int i = 0; writing.get(); i++) {
                      st.execute("INSERT INTO fills (qty, px) VALUES (" + i + ", 1.5)");
                      st.execute("UPDATE fills SET qty = qty + 1 WHERE id = " + (1 + i % 500));
                      st.execute(
                          "UPDATE refs SET name = 'x"
                              + i
                              + "' WHERE code = 'c"
                              + (1 + i % 20)
                              + "'");
                      st.execute(
                          "DELETE FROM fills WHERE id = "
                              + (501 + i / 2)
                              + " AND "
                              + (i % 2)
                              + " = 1");
                    }
                  } catch (Exception e) {
                    writerFailure.set(e);
                  }
                },
                "dashboard-writer");
        writer.setDaemon(true);
        writer.start();
        try {
          // Enough samples for rates over the test's rate interval in every series.
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofSeconds(1))
              .untilAsserted(
                  () -> {
                    assertThat(writerFailure.get()).isNull();
                    assertThat(
                            results(
                                prometheus.query(
                                    "sum(rate(sluice_apply_events_total{op=\"delete\"}[10s])) > 0")))
                        .isNotEmpty();
                  });
          // Every panel has data once each series has had its first sample (the verification
          // panel once a scheduled verify has finished clean): asked again until then.
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofSeconds(1))
              .untilAsserted(() -> assertEveryPanelHasData(prometheus, config));
        } finally {
          writing.set(false);
          writer.join(10_000);
        }
      }
    }
  }

  @Test
  void queryCapturePanelsHaveDataUnderQueryCapture() throws Exception {
    try (TestIsolation slice = TestIsolation.create("dashboards query");
        Connection source = slice.connectSource()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE refs (code int PRIMARY KEY, name text)");
        st.execute("INSERT INTO refs SELECT g, 'n' || g FROM generate_series(1, 50) g");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "dashboards-query-it.yaml"),
              slice,
              "- {name: refs, tables: [refs], partitions: 1, diff-interval: 1s}");
      Map<String, String> env = new java.util.HashMap<>(Observed.FAST);
      env.put("SLUICE_CAPTURE_METHOD", "query");
      PipelineConfig config = new ConfigLoader(env).load(file);
      try (Pipeline pipeline = Pipeline.start(config);
          ToolServer prometheus =
              ToolServer.prometheus(
                  Path.of("target", "dashboards-query-it-prometheus").toAbsolutePath(),
                  Observed.prometheusConfig(pipeline, null));
          Statement st = source.createStatement()) {
        List<String> missing = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () -> {
                  // a change only the diff sees: the table has no watermark
                  st.execute("UPDATE refs SET name = name || '.' WHERE code = 1");
                  missing.clear();
                  for (Path dashboard : dashboards()) {
                    for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
                      if (!QUERY_CAPTURE_ONLY.contains(panel.path("title").asText())) {
                        continue;
                      }
                      for (JsonNode t : panel.path("targets")) {
                        String expr = substitute(t.path("expr").asText(), config.name(), "refs");
                        JsonNode answer = prometheus.query(expr);
                        if (!answer.path("status").asText().equals("success")
                            || results(answer).isEmpty()) {
                          missing.add(expr + " -> " + answer);
                        }
                      }
                    }
                  }
                  assertThat(missing).isEmpty();
                });
      }
    }
  }

  /** Runs every dashboard query and variable; none may fail or come back empty when healthy. */
  private static void assertEveryPanelHasData(ToolServer prometheus, PipelineConfig config)
      throws Exception {
    List<String> failures = new ArrayList<>();
    int queries = 0;
    for (Path dashboard : dashboards()) {
      JsonNode d = JSON.readTree(dashboard.toFile());
      for (JsonNode v : d.path("templating").path("list")) {
        if (v.path("type").asText().equals("query")) {
          queries++;
          checkVariable(prometheus, config, v, failures, dashboard);
        }
      }
      for (JsonNode panel : d.path("panels")) {
        String title = panel.path("title").asText();
        for (JsonNode t : panel.path("targets")) {
          queries++;
          String expr = substitute(t.path("expr").asText(), config.name(), "fills");
          JsonNode answer = prometheus.query(expr);
          String where = dashboard.getFileName() + " / " + title + ": " + expr;
          if (!answer.path("status").asText().equals("success")) {
            failures.add(where + " -> " + answer);
          } else if (results(answer).isEmpty()
              && !EMPTY_WHEN_HEALTHY.contains(title)
              && !QUERY_CAPTURE_ONLY.contains(title)) {
            failures.add(where + " -> no data");
          }
        }
      }
    }
    assertThat(failures).as("%d queries", queries).isEmpty();
    assertThat(queries).isGreaterThan(30);
  }

  private static void checkVariable(
      ToolServer prometheus,
      PipelineConfig config,
      JsonNode variable,
      List<String> failures,
      Path dashboard)
      throws Exception {
    String q = substitute(variable.path("query").path("query").asText(), config.name(), "fills");
    Matcher m = Pattern.compile("label_values\\((.+), (\\w+)\\)").matcher(q);
    if (!m.matches()) {
      failures.add(dashboard.getFileName() + " variable " + q + " is not label_values(...)");
      return;
    }
    JsonNode answer =
        prometheus.get(
            "/api/v1/label/"
                + m.group(2)
                + "/values?match[]="
                + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8));
    List<String> values = new ArrayList<>();
    answer.path("data").forEach(n -> values.add(n.asText()));
    Map<String, List<String>> expected =
        Map.of("pipeline", List.of(config.name()), "group", List.of("fills", "refs"));
    if (!answer.path("status").asText().equals("success")
        || !values.containsAll(expected.get(m.group(2)))) {
      failures.add(dashboard.getFileName() + " variable " + q + " -> " + answer);
    }
  }

  /** What Grafana puts in place of the variables: one pipeline, one group, a rate interval. */
  private static String substitute(String expr, String pipeline, String group) {
    return expr.replace("$pipeline", pipeline)
        .replace("$group", group)
        .replace("$__rate_interval", "10s");
  }

  private static JsonNode results(JsonNode answer) {
    return answer.path("data").path("result");
  }

  private static List<Path> dashboards() throws Exception {
    try (var s = Files.list(DeployFiles.root().resolve("grafana"))) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }
}
