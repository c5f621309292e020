package io.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code cdk synth} with the real CDK CLI in this module, as a user runs it: the CLI runs the app
 * as {@code cdk.json} says (the Maven wrapper, {@code exec:java}), with no AWS credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdkSynthIT {
  private static final Path OUT = Path.of("target", "cdk-synth-it");

  private Path node;
  private Path cdk;

  @BeforeAll
  void tools() {
    node = NodeTools.node();
    cdk = NodeTools.cdk();
  }

  @Test
  void synthWritesTheTemplateOfTheContextInCdkJsonWithOverrides() throws Exception {
    Result r = synth("-c", "groups=fills,reference,audit_log", "-c", "mskMode=serverless");
    assertThat(r.exit()).as(r.output()).isZero();

    JsonNode manifest = read(OUT.resolve("manifest.json"));
    assertThat(manifest.at("/artifacts/sluice-orders/environment").asText())
        .isEqualTo("aws://unknown-account/unknown-region");
    JsonNode template = read(OUT.resolve("sluice-orders.template.json"));
    Map<String, Integer> types = new TreeMap<>();
    template
        .get("Resources")
        .forEach(res -> types.merge(res.get("Type").asText(), 1, Integer::sum));
    assertThat(types)
        .isEqualTo(
            Map.of(
                "AWS::DynamoDB::Table", 7,
                "AWS::MSK::ServerlessCluster", 1,
                "AWS::EC2::SecurityGroup", 1,
                "AWS::IAM::Role", 1,
                "AWS::EKS::PodIdentityAssociation", 1,
                "AWS::SNS::Topic", 1,
                "AWS::SNS::Subscription", 1,
                "AWS::CloudWatch::Alarm", 3 + 14,
                "AWS::Budgets::Budget", 1));
    List<String> lagAlarms = new ArrayList<>();
    template
        .get("Resources")
        .forEach(
            res -> {
              JsonNode p = res.get("Properties");
              if ("MaxOffsetLag".equals(p.path("MetricName").asText())) {
                lagAlarms.add(p.get("AlarmName").asText());
              }
            });
    assertThat(lagAlarms)
        .containsExactlyInAnyOrder(
            "sluice-orders-Lag-fills",
            "sluice-orders-Lag-reference",
            "sluice-orders-Lag-audit_log");
  }

  @Test
  void synthFailsNamingEveryBadParameter() throws Exception {
    Result r = synth("-c", "budgetMonthlyUsd=0", "-c", "mskMode=sometimes");
    assertThat(r.exit()).as(r.output()).isNotZero();
    assertThat(r.output())
        .contains("the CDK context has 2 problem(s)")
        .contains("budgetMonthlyUsd: 0 must be above 0")
        .contains("mskMode: 'sometimes' does not match provisioned|serverless");
  }

  private Result synth(String... context) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(cdk.toString(), "synth", "--no-notices"));
    command.addAll(List.of("--output", OUT.toString(), "--quiet"));
    command.addAll(List.of(context));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    Path nodeBin = node.toAbsolutePath().getParent();
    env.put("PATH", nodeBin + File.pathSeparator + env.getOrDefault("PATH", ""));
    env.put("JSII_NODE", node.toAbsolutePath().toString());
    env.put("CDK_DISABLE_CLI_TELEMETRY", "true");
    // no credentials and no instance metadata: the stack is environment-agnostic
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.remove("AWS_PROFILE");
    env.put("MAVEN_ARGS", mavenArgs());
    Path log = Files.createTempFile("cdk-synth", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("cdk synth still running after 10 minutes: " + command);
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** The nested Maven of cdk.json's app goes offline and to the repository this build uses. */
  private static String mavenArgs() {
    List<String> args = new ArrayList<>();
    if ("offline=true".equals(System.getProperty("sluice.maven.offline"))) {
      args.add("-o");
    }
    String repository = System.getProperty("sluice.maven.repository", "");
    if (!repository.isBlank() && !repository.startsWith("${")) {
      args.add("-Dmaven.repo.local=" + repository);
    }
    return String.join(" ", args);
  }

  private static JsonNode read(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  private record Result(int exit, String output) {}
}
