package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.sluice.embedded.observe.DeployFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The container image ({@code cli/target/jib-image.tar}, deploy/image/README.md) against the Helm
 * chart that runs it: its configuration agrees with the chart's pod (user, JVM options, port,
 * {@code /tmp}), it holds sluice.jar and every library its classpath names, and run as the chart
 * runs a capture pod (its args, env, user, ConfigMap, read-only root) it starts and stops on
 * SIGTERM.
 */
class ContainerImageTest {
  private static final Path CHART = DeployFiles.root().resolve("helm/sluice");
  private static final Path EKS = DeployFiles.root().resolve("helm/examples/orders-eks.yaml");
  private static final Path WORK = Path.of("target/container-image").toAbsolutePath();
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static OciImage image;
  private static Deployment capture;
  private static ConfigMap configMap;
  private static ImageSandbox sandbox;

  @BeforeAll
  static void render() throws Exception {
    String rendered =
        new Helm(CHART)
            .template()
            .withName("orders")
            .withValuesFile(EKS)
            .withKubeVersion("1.31.0")
            .call();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      JsonNode node = YAML.readTree(doc);
      if (node == null || !node.has("kind")) {
        continue;
      }
      String name = node.at("/metadata/name").asText();
      if (name.equals("orders-sluice-capture")) {
        capture = YAML.treeToValue(node, Deployment.class);
      } else if (node.get("kind").asText().equals("ConfigMap") && name.equals("orders-sluice")) {
        configMap = YAML.treeToValue(node, ConfigMap.class);
      }
    }
  }

  /**
   * Each test, not the class, is skipped without the image, so the report counts and names them.
   */
  @BeforeEach
  void open() throws IOException {
    Path tarball = ImageTarball.require();
    if (image == null) {
      image = new OciImage(tarball);
    }
  }

  @AfterAll
  static void close() throws IOException {
    if (sandbox != null) {
      sandbox.delete();
    }
    if (image != null) {
      image.close();
    }
  }

  @Test
  void runsJavaOnSluiceCommandAsTheChartsNonRootUser() {
    JsonNode config = image.config().path("config");
    PodSpec pod = capture.getSpec().getTemplate().getSpec();
    assertThat(config.path("User").asText())
        .as("numeric uid:gid, the chart's podSecurityContext")
        .isEqualTo(
            pod.getSecurityContext().getRunAsUser()
                + ":"
                + pod.getSecurityContext().getRunAsGroup())
        .doesNotStartWith("0:");
    assertThat(strings(config.path("Entrypoint")))
        .containsExactly("java", "-cp", "@/app/jib-classpath-file", "io.sluice.cli.SluiceCommand");
    assertThat(config.path("Cmd").size()).as("the chart passes args only").isZero();
    assertThat(container().getCommand()).isEmpty();
    assertThat(config.path("WorkingDir").asText()).isEqualTo("/app");
  }

  @Test
  void takesItsJvmOptionsFromJavaToolOptionsAsTheChartSetsThem() {
    String options = image.env().get("JAVA_TOOL_OPTIONS");
    assertThat(options).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
    assertThat(options)
        .as("the chart replaces the image's JVM options with the same ones by default")
        .isEqualTo(chartEnv().get("JAVA_TOOL_OPTIONS"));
    assertThat(strings(image.config().path("config").path("Entrypoint")))
        .as("a flag on the command line would win over JAVA_TOOL_OPTIONS")
        .noneMatch(a -> a.startsWith("-X"));
  }

  @Test
  void exposesTheChartsAdminPortAndDeclaresTheTmpItMounts() {
    JsonNode config = image.config().path("config");
    assertThat(fieldNames(config.path("ExposedPorts")))
        .containsExactly(container().getPorts().get(0).getContainerPort() + "/tcp");
    assertThat(fieldNames(config.path("Volumes"))).containsExactly("/tmp");
    assertThat(container().getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(container().getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  @Test
  void carriesOpenContainersLabels() {
    Map<String, String> labels = new TreeMap<>();
    image
        .config()
        .at("/config/Labels")
        .properties()
        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    assertThat(labels)
        .containsEntry("org.opencontainers.image.title", "sluice")
        .containsEntry("org.opencontainers.image.version", System.getProperty("sluice.version"))
        .containsKeys("org.opencontainers.image.description", "org.opencontainers.image.source");
  }

  @Test
  void holdsSluiceJarEveryLibraryOnItsClasspathAndAJava() throws IOException {
    Set<String> paths = image.paths();
    List<String> classpath = new ArrayList<>();
    for (String entry : image.file("/app/jib-classpath-file").trim().split(":")) {
      if (entry.endsWith("/*")) { // every jar of the directory, as java reads it
        String dir = entry.substring(0, entry.length() - 1);
        paths.stream().filter(p -> p.startsWith(dir) && p.endsWith(".jar")).forEach(classpath::add);
      } else {
        classpath.add(entry);
      }
    }
    assertThat(classpath)
        .contains("/app/classpath/sluice.jar")
        .anyMatch(p -> p.matches("/app/libs/sluice-capture-.*\\.jar"))
        .anyMatch(p -> p.matches("/app/libs/debezium-embedded-.*\\.jar"))
        .anyMatch(p -> p.matches("/app/libs/picocli-.*\\.jar"));
    assertThat(paths).containsAll(classpath);
    List<String> javaOnPath = new ArrayList<>();
    for (String dir : image.env().get("PATH").split(":")) {
      if (paths.contains(dir + "/java")) {
        javaOnPath.add(dir + "/java");
      }
    }
    assertThat(javaOnPath).as("java on the image's PATH").isNotEmpty();
    assertThat(paths)
        .as("whiteouts (the sandbox does not apply them)")
        .noneMatch(p -> p.contains("/.wh."));
  }

  @Test
  void theDockerfileMakesTheSameImageConfiguration() throws IOException {
    DockerfileStage docker =
        new DockerfileStage(DeployFiles.root().getParent().resolve("Dockerfile"));
    JsonNode config = image.config().path("config");
    assertThat(strings(YAML.readTree(docker.one("ENTRYPOINT"))))
        .isEqualTo(strings(config.path("Entrypoint")));
    assertThat(docker.one("USER")).isEqualTo(config.path("User").asText());
    assertThat(docker.one("WORKDIR")).isEqualTo(config.path("WorkingDir").asText());
    assertThat(docker.one("EXPOSE") + "/tcp")
        .isEqualTo(fieldNames(config.path("ExposedPorts")).get(0));
    assertThat(docker.one("VOLUME")).isEqualTo(fieldNames(config.path("Volumes")).get(0));
    assertThat(docker.pairs("ENV"))
        .containsEntry("JAVA_TOOL_OPTIONS", image.env().get("JAVA_TOOL_OPTIONS"));
    Map<String, String> labels = new TreeMap<>();
    config.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.remove("org.opencontainers.image.version"); // docker build --label sets it
    assertThat(docker.pairs("LABEL")).isEqualTo(labels);
    assertThat(docker.all("COPY"))
        .as("Jib's layout")
        .containsExactly(
            "--from=build /out/libs /app/libs",
            "--from=build /out/classpath /app/classpath",
            "--from=build /out/jib-classpath-file /out/jib-main-class-file /app/");
  }

  @Test
  void printsItsVersionRunAsTheNonRootUser() throws Exception {
    Path log = WORK.resolve("version.log");
    List<String> command = new ArrayList<>(entrypoint());
    command.add("--version");
    int exit = sandbox().run(command, image.env(), "/app", user(), configDir(), log);
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).contains("sluice " + System.getProperty("sluice.version"), "Java 17.");
  }

  @Test
  void startsAsTheChartsCapturePodWithAReadOnlyRootAndStopsOnSigterm() throws Exception {
    Map<String, String> env = new TreeMap<>(image.env());
    env.putAll(chartEnv());
    Path log = WORK.resolve("capture.log");
    List<String> command = new ArrayList<>(entrypoint());
    command.addAll(container().getArgs());
    Process p = sandbox().start(command, env, "/app", user(), configDir(), log);
    try {
      // The configuration is accepted and sluice reaches for the pipeline's state in DynamoDB,
      // which it reads before its databases, and which cannot be reached: the sandbox has no
      // network and no AWS credentials. It waits, as for a database that is away.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  !p.isAlive()
                      || Files.readString(log)
                          .contains("reading the pipeline's state in DynamoDB failed"));
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.isAlive()).as(out).isTrue();
      ProcessHandle java = p.descendants().findFirst().orElseThrow();
      String status = Files.readString(Path.of("/proc/" + java.pid() + "/status"));
      String uid = user().split(":")[0];
      String gid = user().split(":")[1];
      assertThat(status)
          .as("the JVM's real, effective, saved and filesystem ids")
          .containsPattern("(?m)^Uid:\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "\\s+" + uid + "$")
          .containsPattern(
              "(?m)^Gid:\\s+" + gid + "\\s+" + gid + "\\s+" + gid + "\\s+" + gid + "$");

      java.destroy(); // SIGTERM, as the kubelet stops a pod
      long grace = capture.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      assertThat(p.waitFor(grace, TimeUnit.SECONDS))
          .as("stopped within the chart's grace period")
          .isTrue();
      out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).doesNotContain("Read-only file system", "Exception in thread");
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static synchronized ImageSandbox sandbox() throws Exception {
    ImageSandbox.requireRoot();
    if (sandbox == null) {
      sandbox = ImageSandbox.unpack(image, WORK.resolve("rootfs"));
    }
    return sandbox;
  }

  /** The chart's ConfigMap as the directory mounted on /etc/sluice. */
  private static Path configDir() throws IOException {
    Path dir = WORK.resolve("etc-sluice");
    Files.createDirectories(dir);
    for (Map.Entry<String, String> e : configMap.getData().entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue());
    }
    return dir;
  }

  private static String user() {
    return image.config().at("/config/User").asText();
  }

  private static List<String> entrypoint() {
    return strings(image.config().at("/config/Entrypoint"));
  }

  private static Container container() {
    return capture.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The capture container's environment; a secret the kubelet would inject gets a stand-in. */
  private static Map<String, String> chartEnv() {
    Map<String, String> env = new TreeMap<>();
    for (EnvVar e : container().getEnv()) {
      env.put(e.getName(), e.getValueFrom() == null ? e.getValue() : "stand-in-for-a-secret");
    }
    return env;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
