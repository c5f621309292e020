package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.embedded.observe.DeployFiles;
import io.sluice.embedded.observe.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in {@code deploy/prometheus}: valid for promtool, covered by its unit tests
 * (fires when it should, not when it should not), complete annotations, a runbook section for each,
 * and only metrics sluice exports.
 */
class AlertRulesIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final Path dir = DeployFiles.root().resolve("prometheus");

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
    ExternalTool.Result check =
        ExternalTool.run(
            dir, Duration.ofSeconds(60), "promtool", "check", "rules", "sluice-alerts.yml");
    assertThat(check.exit()).as(check.output()).isZero();
    ExternalTool.Result test =
        ExternalTool.run(
            dir, Duration.ofSeconds(60), "promtool", "test", "rules", "sluice-alerts.test.yml");
    assertThat(test.exit()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertIsTestedFiringAndNotFiring() throws Exception {
    JsonNode tests = YAML.readTree(dir.resolve("sluice-alerts.test.yml").toFile());
    Set<String> fires = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (JsonNode t : tests.get("tests")) {
      for (JsonNode a : t.path("alert_rule_test")) {
        (a.path("exp_alerts").isEmpty() ? quiet : fires).add(a.get("alertname").asText());
      }
    }
    List<String> alerts = alertNames();
    assertThat(fires).as("alerts with a firing case").containsAll(alerts);
    List<String> alwaysOn = List.of("SluiceWatchdog");
    assertThat(quiet)
        .as("alerts with a case where they must not fire")
        .containsAll(alerts.stream().filter(a -> !alwaysOn.contains(a)).toList());
  }

  @Test
  void everyAlertHasSeverityAnnotationsAndARunbookSection() throws Exception {
    String runbook =
        Files.readString(DeployFiles.root().resolveSibling("docs").resolve("runbook.md"));
    Set<String> anchors = new TreeSet<>();
    Matcher h = Pattern.compile("(?m)^## (\\S+)").matcher(runbook);
    while (h.find()) {
      anchors.add(h.group(1).toLowerCase());
    }
    for (JsonNode rule : rules()) {
      String name = rule.get("alert").asText();
      assertThat(name).matches("Sluice[A-Z][A-Za-z]+");
      assertThat(rule.path("labels").path("severity").asText())
          .as(name)
          .isIn("warning", "critical", "none");
      JsonNode ann = rule.path("annotations");
      assertThat(ann.path("summary").asText()).as(name + " summary").isNotBlank();
      assertThat(ann.path("description").asText()).as(name + " description").isNotBlank();
      String url = ann.path("runbook_url").asText();
      assertThat(url).as(name).contains("docs/runbook.md#" + name.toLowerCase());
      assertThat(anchors).as("runbook sections (## " + name + ")").contains(name.toLowerCase());
    }
  }

  @Test
  void rulesUseOnlyMetricsSluiceExports() throws Exception {
    Set<String> exportable = SluiceMetrics.exportable();
    for (JsonNode rule : rules()) {
      Set<String> used = SluiceMetrics.usedIn(rule.get("expr").asText());
      assertThat(exportable).as(rule.get("alert").asText()).containsAll(used);
    }
  }

  private List<JsonNode> rules() throws Exception {
    JsonNode doc = YAML.readTree(dir.resolve("sluice-alerts.yml").toFile());
    List<JsonNode> rules = new ArrayList<>();
    doc.get("groups").forEach(g -> g.get("rules").forEach(rules::add));
    return rules;
  }

  private List<String> alertNames() throws Exception {
    return rules().stream().map(r -> r.get("alert").asText()).toList();
  }
}
