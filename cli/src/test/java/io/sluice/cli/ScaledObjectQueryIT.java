package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.observe.DeployFiles;
import io.sluice.embedded.observe.ToolServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Helm chart's KEDA trigger, rendered by Helm and run by a real Prometheus scraping a live
 * pipeline: it reads the group's backlog while the group runs, and nothing while it is paused, even
 * as the pause builds a backlog, so KEDA never scales a paused group's workers up.
 */
class ScaledObjectQueryIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void aPausedGroupsBacklogNeverReachesKeda() throws Exception {
    try (TestIsolation slice = TestIsolation.create("keda query");
        Connection source = slice.connectSource()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE fills (id bigserial PRIMARY KEY, qty int)");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "keda-query-it.yaml"),
              slice,
              "- {name: fills, tables: [fills], partitions: 2}");
      PipelineConfig config = new ConfigLoader(new HashMap<>(Observed.FAST)).load(file);
      String query = renderedQuery(config);
      String backlog =
          "sum(sluice_apply_backlog{pipeline=\"" + config.name() + "\",group=\"fills\"})";
      try (Pipeline pipeline = Pipeline.start(config);
          ToolServer prometheus =
              ToolServer.prometheus(
                  Path.of("target", "keda-query-it-prometheus").toAbsolutePath(),
                  Observed.prometheusConfig(pipeline, null));
          Statement st = source.createStatement()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () -> assertThat(results(prometheus.query(query))).as("running").isNotEmpty());

        CommandLine ctl = SluiceCommand.commandLine();
        StringWriter err = new StringWriter();
        ctl.setErr(new PrintWriter(err));
        int exit =
            ctl.execute("ctl", "pause", "fills", "--reason", "keda test", "-c", file.toString());
        assertThat(exit).as("%s", err).isZero();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () -> {
                  st.execute("INSERT INTO fills (qty) SELECT g FROM generate_series(1, 100) g");
                  JsonNode raw = results(prometheus.query(backlog));
                  assertThat(raw).as("the pause builds a backlog").isNotEmpty();
                  assertThat(raw.get(0).at("/value/1").asDouble()).isPositive();
                  assertThat(results(prometheus.query(query)))
                      .as("KEDA reads nothing for a paused group")
                      .isEmpty();
                });
      }
    }
  }

  /** The trigger query of the fills group's ScaledObject, as the chart renders it. */
  private static String renderedQuery(PipelineConfig config) throws Exception {
    Path values = Path.of("target", "keda-query-it-values.yaml").toAbsolutePath();
    Files.writeString(
        values,
        """
        autoscaling: {enabled: true}
        config:
          pipeline: {name: %s}
          groups:
            - {name: fills, tables: [fills], partitions: 2}
        """
            .formatted(config.name()));
    String out =
        new Helm(DeployFiles.root().resolve("helm/sluice"))
            .template()
            .withName("keda")
            .withKubeVersion("1.31.0")
            .withValuesFile(values)
            .call();
    for (String doc : out.split("(?m)^---\\s*$")) {
      JsonNode n = YAML.readTree(doc);
      if (n != null && "ScaledObject".equals(n.path("kind").asText())) {
        return n.at("/spec/triggers/0/metadata/query").asText();
      }
    }
    throw new AssertionError("no ScaledObject rendered:\n" + out);
  }

  private static JsonNode results(JsonNode answer) {
    assertThat(answer.path("status").asText()).as("%s", answer).isEqualTo("success");
    return answer.path("data").path("result");
  }
}
