package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.sluice.embedded.observe.DeployFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's {@code values.schema.json}: every values file the repository ships satisfies it, and
 * a wrong value is refused by {@code helm template} (and {@code helm lint}) with a message that
 * names the key, before anything renders.
 */
class HelmValuesSchemaTest {
  private static final Path CHART = DeployFiles.root().resolve("helm/sluice");

  static Stream<Path> valuesFiles() throws IOException {
    try (Stream<Path> examples = Files.list(DeployFiles.root().resolve("helm/examples"))) {
      List<Path> files = examples.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertThat(files).as("example values files").isNotEmpty();
      return Stream.concat(Stream.of(CHART.resolve("values.yaml")), files.stream());
    }
  }

  @Test
  void theChartWithItsDefaultsLintsStrictlyAgainstTheSchema() {
    assertThat(CHART.resolve("values.schema.json")).isRegularFile();
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyShippedValuesFileSatisfiesTheSchemaAndRenders(Path values) {
    String out = template().withValuesFile(values).call();
    assertThat(out).contains("kind: Deployment");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    // a string where a number is expected
    "adminPort, http, adminPort",
    "autoscaling.maxReplicas, many, maxReplicas",
    // an unknown top-level key (replicas live under capture and apply)
    "replicas, 3, replicas",
    // a typo inside a closed object
    "image.imagePullPolicyy, Always, imagePullPolicyy",
    "podDisruptionBudget.maxUnavaliable, 1, maxUnavaliable",
    // a value outside the set the key accepts
    "image.pullPolicy, Sometimes, pullPolicy",
    "podMonitor.interval, 10 seconds, interval",
    // an annotation Kubernetes would refuse: its value must be a string
    "capture.podAnnotations.karpenter\\.sh/do-not-disrupt, true, do-not-disrupt",
  })
  void aWrongValueIsRefusedNamingItsKey(String key, String value, String named) {
    assertThatThrownBy(() -> template().set(key, value).call())
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(named);
  }

  @Test
  void autoscalingWithoutAPipelineNameIsRefusedBeforeTheTemplatesRun() {
    // The ScaledObjects select metrics by config.pipeline.name; without it the template would fail
    // on a nil map with a message that names no value.
    assertThatThrownBy(() -> template().set("autoscaling.enabled", "true").call())
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining("/config")
        .hasMessageContaining("pipeline");
  }

  @Test
  void aGroupNameTooLongForTheLabelsItMakesIsRefused() {
    String name = "g".repeat(58); // sluice accepts 63; apply-<name> must fit a 63-character label
    assertThatThrownBy(
            () ->
                template()
                    .set("config.pipeline.name", "orders")
                    .set("config.groups[0].name", name)
                    .call())
        .hasMessageContaining("/config/groups/0/name");
    String out =
        template()
            .set("config.pipeline.name", "orders")
            .set("config.groups[0].name", name.substring(1))
            .call();
    assertThat(out).contains("app.kubernetes.io/component: apply-" + name.substring(1));
  }

  @Test
  void helmLintRefusesATypoInTheChartsOwnValues(@TempDir Path dir) throws IOException {
    Path chart = copyOfChart(dir);
    Path values = chart.resolve("values.yaml");
    Files.writeString(
        values,
        Files.readString(values).replace("  pullPolicy: IfNotPresent", "  pullPolicyy: Always"));

    LintResult lint = new Helm(chart).lint().strict().call();

    assertThat(lint.isFailed()).isTrue();
    assertThat(String.join("\n", lint.getMessages())).contains("pullPolicyy");
  }

  private static TemplateCommand template() {
    return new Helm(CHART).template().withName("orders").withKubeVersion("1.31.0");
  }

  /** The chart with its linked files (alert rules, dashboards) copied as plain files. */
  private static Path copyOfChart(Path dir) throws IOException {
    Path to = dir.resolve("sluice");
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path from : files.toList()) {
        Path target = to.resolve(CHART.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(target);
        } else {
          Files.copy(from, target);
        }
      }
    }
    return to;
  }
}
