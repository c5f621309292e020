package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.embedded.observe.DeployFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Grafana dashboards in {@code deploy/grafana}: importable classic JSON with the data source as
 * an input and a variable, a {@code group} variable where groups are shown, a description and a
 * unit on every panel, every query on the data source variable and only on metrics sluice exports.
 * {@code DashboardQueriesIT} runs every query against a live pipeline.
 */
class DashboardsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> dashboards() throws IOException {
    List<Path> files = new ArrayList<>();
    try (var s = Files.list(DeployFiles.root().resolve("grafana"))) {
      s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
    }
    assertThat(files).hasSize(3);
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void isAnImportableDashboardOnADataSourceVariable(Path file) throws IOException {
    JsonNode d = JSON.readTree(file.toFile());
    assertThat(d.path("uid").asText()).isNotBlank();
    assertThat(d.path("schemaVersion").asInt()).isBetween(30, 42);
    assertThat(d.path("__inputs").get(0).path("name").asText()).isEqualTo("DS_PROMETHEUS");
    List<String> vars = new ArrayList<>();
    d.path("templating").path("list").forEach(v -> vars.add(v.path("name").asText()));
    assertThat(vars).startsWith("datasource", "pipeline");
    if (!file.getFileName().toString().contains("capture")) {
      assertThat(vars).contains("group");
    }
    assertThat(d.path("panels")).isNotEmpty();
    for (JsonNode p : d.path("panels")) {
      String title = p.path("title").asText();
      assertThat(title).isNotBlank();
      assertThat(p.path("description").asText()).as(title).isNotBlank();
      assertThat(p.path("fieldConfig").path("defaults").path("unit").asText())
          .as(title + " unit")
          .isNotBlank();
      assertThat(p.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
      assertThat(p.path("targets")).as(title).isNotEmpty();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
        String expr = t.path("expr").asText();
        assertThat(expr).as(title).contains("pipeline=\"$pipeline\"");
        Set<String> used = SluiceMetrics.usedIn(expr);
        assertThat(SluiceMetrics.exportable()).as(title + ": " + expr).containsAll(used);
      }
    }
  }
}
