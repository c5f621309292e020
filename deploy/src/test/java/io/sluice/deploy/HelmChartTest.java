package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.observe.DeployFiles;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart in {@code deploy/helm/sluice}, linted strictly and rendered with Helm's own Go
 * library (no helm CLI), every rendered document parsed into the typed Kubernetes model of its
 * kind; a field the model does not know (a typo such as {@code imagePullPolicyy}) fails.
 */
class HelmChartTest {
  private static final Path CHART = DeployFiles.root().resolve("helm/sluice");
  private static final Path EKS = DeployFiles.root().resolve("helm/examples/orders-eks.yaml");
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void lintsStrictly() {
    LintResult defaults = new Helm(CHART).lint().strict().call();
    assertThat(defaults.isFailed()).as("%s", defaults.getMessages()).isFalse();
  }

  @Test
  void theEksExampleRendersCaptureAndOneApplyDeploymentPerGroupEachHardened() throws Exception {
    Map<String, List<JsonNode>> byKind = render(EKS);

    List<Deployment> deployments = typed(byKind, "Deployment", Deployment.class);
    assertThat(deployments)
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "orders-sluice-capture", "orders-sluice-apply-fills", "orders-sluice-apply-reference");
    Deployment capture = named(deployments, "orders-sluice-capture");
    assertThat(capture.getSpec().getReplicas()).as("a leader and a standby").isEqualTo(2);
    assertThat(container(capture).getArgs())
        .containsExactly("run", "--role", "capture", "-c", "/etc/sluice/pipeline.yaml");
    assertThat(capture.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("karpenter.sh/do-not-disrupt", "true")
        .containsKey("checksum/config");
    Deployment fills = named(deployments, "orders-sluice-apply-fills");
    assertThat(fills.getSpec().getReplicas()).isEqualTo(3);
    assertThat(container(fills).getArgs())
        .containsExactly(
            "run", "--role", "apply", "--group", "fills", "-c", "/etc/sluice/pipeline.yaml");
    assertThat(container(fills).getResources().getLimits().get("memory").toString())
        .isEqualTo("2Gi");
    assertThat(named(deployments, "orders-sluice-apply-reference").getSpec().getReplicas())
        .isEqualTo(1);

    for (Deployment d : deployments) {
      String name = d.getMetadata().getName();
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      Container c = container(d);
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
      assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop())
          .as(name)
          .containsExactly("ALL");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).as(name).isEqualTo("/health");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).as(name).isEqualTo("/ready");
      assertThat(c.getStartupProbe()).as(name).isNotNull();
      assertThat(c.getResources().getRequests().get("memory"))
          .as("%s: memory request = limit", name)
          .isEqualTo(c.getResources().getLimits().get("memory"));
      assertThat(c.getEnv())
          .as(name)
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
                assertThat(e.getValue()).contains("-XX:MaxRAMPercentage=75");
              })
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("SLUICE_SOURCE_PASSWORD");
                assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("sluice-orders-source");
              });
      assertThat(pod.getTopologySpreadConstraints())
          .as(name)
          .extracting(t -> t.getTopologyKey() + " " + t.getWhenUnsatisfiable())
          .containsExactly(
              "kubernetes.io/hostname DoNotSchedule", "topology.kubernetes.io/zone ScheduleAnyway");
      assertThat(pod.getServiceAccountName()).as(name).isEqualTo("orders-sluice");
      assertThat(d.getSpec().getSelector().getMatchLabels())
          .as(name)
          .isEqualTo(
              Map.of(
                  "app.kubernetes.io/name", "sluice",
                  "app.kubernetes.io/instance", "orders",
                  "app.kubernetes.io/component", name.substring("orders-sluice-".length())));
      assertThat(d.getMetadata().getLabels())
          .as(name)
          .containsKeys(
              "helm.sh/chart",
              "app.kubernetes.io/version",
              "app.kubernetes.io/part-of",
              "app.kubernetes.io/managed-by");
    }

    ServiceAccount sa = typed(byKind, "ServiceAccount", ServiceAccount.class).get(0);
    assertThat(sa.getMetadata().getAnnotations())
        .containsEntry(
            "eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/sluice-orders");
    assertThat(typed(byKind, "PodDisruptionBudget", PodDisruptionBudget.class))
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1));
    assertThat(typed(byKind, "NetworkPolicy", NetworkPolicy.class)).hasSize(1);
    JsonNode podMonitor = byKind.get("PodMonitor").get(0);
    assertThat(podMonitor.at("/metadata/labels/release").asText())
        .isEqualTo("kube-prometheus-stack");
    assertThat(podMonitor.at("/spec/podMetricsEndpoints/0/path").asText()).isEqualTo("/metrics");

    // the mounted file is a pipeline configuration sluice accepts
    ConfigMap cm = typed(byKind, "ConfigMap", ConfigMap.class).get(0);
    PipelineConfig config =
        new ConfigLoader(Map.of()).parse(cm.getData().get("pipeline.yaml"), "chart ConfigMap");
    assertThat(config.name()).isEqualTo("orders");
    assertThat(config.groups()).hasSize(2);
    assertThat(config.kafka().clientProperties()).containsEntry("sasl.mechanism", "AWS_MSK_IAM");
  }

  @Test
  void theDefaultsRenderOnlyCaptureAndOptInPartsStayOut() throws Exception {
    Map<String, List<JsonNode>> byKind = render(null);
    assertThat(typed(byKind, "Deployment", Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("sluice-capture");
    assertThat(byKind).doesNotContainKeys("NetworkPolicy", "PodMonitor");
  }

  @Test
  void autoscalingScalesEachGroupOnItsBacklogButNeverAPausedOneAndNoFurtherThanItsPartitions()
      throws Exception {
    String out =
        new Helm(CHART)
            .template()
            .withName("orders")
            .withKubeVersion("1.31.0")
            .withValuesFile(EKS)
            .set("autoscaling.enabled", "true")
            .call();
    Map<String, List<JsonNode>> byKind = byKind(out);

    List<JsonNode> scaled = byKind.get("ScaledObject");
    assertThat(scaled).hasSize(2);
    Map<String, JsonNode> byGroup = new java.util.TreeMap<>();
    scaled.forEach(n -> byGroup.put(n.at("/metadata/labels/sluice.io~1group").asText(), n));
    assertThat(byGroup.get("fills").at("/spec/maxReplicaCount").asInt())
        .as("maxReplicas 8, 12 partitions")
        .isEqualTo(8);
    assertThat(byGroup.get("reference").at("/spec/maxReplicaCount").asInt())
        .as("maxReplicas 8, but only 2 partitions to own")
        .isEqualTo(2);
    String query = byGroup.get("fills").at("/spec/triggers/0/metadata/query").asText();
    assertThat(query)
        .isEqualTo(
            "sum(sluice_apply_backlog{pipeline=~\"orders|orders_reverse\",group=\"fills\"})"
                + " unless on() (max(sluice_apply_paused{pipeline=~\"orders|orders_reverse\","
                + "group=\"fills\"}) == 1)");
    assertThat(SluiceMetrics.exportable()).containsAll(SluiceMetrics.usedIn(query));
    assertThat(byGroup.get("fills").at("/spec/scaleTargetRef/name").asText())
        .isEqualTo("orders-sluice-apply-fills");
    assertThat(typed(byKind, "Deployment", Deployment.class))
        .filteredOn(d -> d.getMetadata().getName().contains("-apply-"))
        .as("replicas left to KEDA")
        .allSatisfy(d -> assertThat(d.getSpec().getReplicas()).isNull());
  }

  @Test
  void captureAndApplyAreScheduledEachByTheirOwnSettingsElseTheChartWide() throws Exception {
    String out =
        new Helm(CHART)
            .template()
            .withName("orders")
            .withKubeVersion("1.31.0")
            .withValuesFile(EKS)
            .set("nodeSelector.team", "data")
            .set("capture.nodeSelector.karpenter\\.sh/capacity-type", "on-demand")
            .set("apply.nodeSelector.karpenter\\.sh/capacity-type", "spot")
            .set("apply.tolerations[0].key", "spot")
            .set("apply.tolerations[0].operator", "Exists")
            .set("apply.groups.reference.nodeSelector.pool", "small")
            .call();
    List<Deployment> deployments = typed(byKind(out), "Deployment", Deployment.class);

    assertThat(named(deployments, "orders-sluice-capture").getSpec().getTemplate().getSpec())
        .satisfies(
            pod -> {
              assertThat(pod.getNodeSelector())
                  .containsExactly(Map.entry("karpenter.sh/capacity-type", "on-demand"));
              assertThat(pod.getTolerations()).isEmpty();
            });
    assertThat(named(deployments, "orders-sluice-apply-fills").getSpec().getTemplate().getSpec())
        .satisfies(
            pod -> {
              assertThat(pod.getNodeSelector())
                  .containsExactly(Map.entry("karpenter.sh/capacity-type", "spot"));
              assertThat(pod.getTolerations())
                  .extracting(t -> t.getKey() + " " + t.getOperator())
                  .containsExactly("spot Exists");
            });
    assertThat(
            named(deployments, "orders-sluice-apply-reference").getSpec().getTemplate().getSpec())
        .as("a group's own setting wins over apply's, the others still come from apply")
        .satisfies(
            pod -> {
              assertThat(pod.getNodeSelector()).containsExactly(Map.entry("pool", "small"));
              assertThat(pod.getTolerations()).hasSize(1);
            });

    String plain =
        new Helm(CHART)
            .template()
            .withName("orders")
            .withKubeVersion("1.31.0")
            .withValuesFile(EKS)
            .set("nodeSelector.team", "data")
            .call();
    assertThat(typed(byKind(plain), "Deployment", Deployment.class))
        .as("no part sets its own: the chart-wide nodeSelector")
        .allSatisfy(
            d ->
                assertThat(d.getSpec().getTemplate().getSpec().getNodeSelector())
                    .containsExactly(Map.entry("team", "data")));
  }

  @Test
  void groupsWhoseKubernetesNamesWouldCollideAreRefusedNamingBoth() {
    assertThatThrownBy(
            () ->
                new Helm(CHART)
                    .template()
                    .withName("orders")
                    .withKubeVersion("1.31.0")
                    .withValuesFile(EKS)
                    .set("config.groups[0].name", "ref_data")
                    .set("config.groups[1].name", "ref-data")
                    .call())
        .hasMessageContaining(
            "groups ref_data and ref-data would both be named apply-ref-data in Kubernetes");
  }

  @Test
  void autoscalingNeverAsksForMoreWorkersThanTheGroupHasPartitionsEvenAtTheMinimum()
      throws Exception {
    String out =
        new Helm(CHART)
            .template()
            .withName("orders")
            .withKubeVersion("1.31.0")
            .withValuesFile(EKS)
            .set("autoscaling.enabled", "true")
            .set("autoscaling.minReplicas", "3")
            .call();
    Map<String, Integer> minimum = new java.util.TreeMap<>();
    byKind(out)
        .get("ScaledObject")
        .forEach(
            n ->
                minimum.put(
                    n.at("/metadata/labels/sluice.io~1group").asText(),
                    n.at("/spec/minReplicaCount").asInt()));
    assertThat(minimum).containsExactly(Map.entry("fills", 3), Map.entry("reference", 2));
  }

  @Test
  void theAlertRulesAndDashboardsShipAsTheFilesDeployHoldsThem() throws Exception {
    String out =
        new Helm(CHART)
            .template()
            .withName("orders")
            .withKubeVersion("1.31.0")
            .withValuesFile(EKS)
            .set("prometheusRule.enabled", "true")
            .set("prometheusRule.labels.release", "kube-prometheus-stack")
            .set("dashboards.enabled", "true")
            .call();
    Map<String, List<JsonNode>> byKind = byKind(out);

    JsonNode rule = byKind.get("PrometheusRule").get(0);
    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    JsonNode rules =
        YAML.readTree(DeployFiles.root().resolve("prometheus/sluice-alerts.yml").toFile());
    assertThat(rule.get("spec").get("groups")).isEqualTo(rules.get("groups"));

    ConfigMap dashboards =
        typed(byKind, "ConfigMap", ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().equals("orders-sluice-dashboards"))
            .findFirst()
            .orElseThrow();
    assertThat(dashboards.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    List<String> files;
    try (var s = java.nio.file.Files.list(DeployFiles.root().resolve("grafana"))) {
      files = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(dashboards.getData().keySet()).containsExactlyInAnyOrderElementsOf(files);
    ObjectMapper json = new ObjectMapper();
    for (String f : files) {
      assertThat(json.readTree(dashboards.getData().get(f)))
          .as(f)
          .isEqualTo(json.readTree(DeployFiles.root().resolve("grafana").resolve(f).toFile()));
    }
  }

  @Test
  void aMisspelledFieldPassedThroughValuesIsCaught() throws Exception {
    String out =
        new Helm(CHART)
            .template()
            .withName("sluice")
            .withKubeVersion("1.31.0")
            .set("livenessProbe.periodSecondz", "5")
            .call();
    JsonNode capture = null;
    for (String doc : out.split("(?m)^---\\s*$")) {
      JsonNode node = YAML.readTree(doc);
      if (node != null && "Deployment".equals(node.path("kind").asText())) {
        capture = node;
      }
    }
    List<String> unknown = new ArrayList<>();
    unknownFields(
        YAML.treeToValue(capture, Deployment.class),
        "Deployment",
        unknown,
        new IdentityHashMap<>());
    assertThat(unknown).singleElement().asString().endsWith("LivenessProbe.periodSecondz");
  }

  private static Map<String, List<JsonNode>> render(Path values) throws Exception {
    var template =
        new Helm(CHART)
            .template()
            .withName(values == null ? "sluice" : "orders")
            .withKubeVersion("1.31.0"); // an EKS version
    if (values != null) {
      template = template.withValuesFile(values);
    }
    return byKind(template.call());
  }

  private static Map<String, List<JsonNode>> byKind(String out) throws Exception {
    Map<String, List<JsonNode>> byKind = new java.util.TreeMap<>();
    for (String doc : out.split("(?m)^---\\s*$")) {
      JsonNode node = YAML.readTree(doc);
      if (node != null && node.has("kind")) {
        byKind.computeIfAbsent(node.get("kind").asText(), k -> new ArrayList<>()).add(node);
      }
    }
    return byKind;
  }

  /** The documents of a kind as typed models; a field the model lacks fails the test. */
  private static <T> List<T> typed(Map<String, List<JsonNode>> byKind, String kind, Class<T> type)
      throws Exception {
    List<T> out = new ArrayList<>();
    for (JsonNode n : byKind.getOrDefault(kind, List.of())) {
      T model = YAML.treeToValue(n, type);
      List<String> unknown = new ArrayList<>();
      unknownFields(model, kind, unknown, new IdentityHashMap<>());
      assertThat(unknown).as("fields the %s model does not know", kind).isEmpty();
      out.add(model);
    }
    return out;
  }

  /** Walks a fabric8 model: every object's additional properties are fields it does not know. */
  private static void unknownFields(
      Object o, String path, List<String> unknown, Map<Object, Boolean> seen) throws Exception {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      for (Object e : c) {
        unknownFields(e, path + "[]", unknown, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        unknownFields(e.getValue(), path + "." + e.getKey(), unknown, seen);
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get")) {
        continue;
      }
      Object v = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        for (Object k : ((Map<?, ?>) v).keySet()) {
          unknown.add(path + "." + k);
        }
      } else if (!Set.of("getClass").contains(m.getName())) {
        unknownFields(v, path + "." + m.getName().substring(3), unknown, seen);
      }
    }
  }

  private static Deployment named(List<Deployment> all, String name) {
    return all.stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Container container(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
