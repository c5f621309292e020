package io.sluice.embedded.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus or Alertmanager server on loopback, started from its Debian package's binary
 * with a configuration written by the test, in a directory of its own; {@link #close()} stops it.
 */
public final class ToolServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String name;
  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ToolServer(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Prometheus with this configuration ({@code prometheus.yml} in {@code dir}; rule files it names
   * are resolved against {@code dir}), its data in {@code dir/data}.
   */
  public static ToolServer prometheus(Path dir, String config) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("prometheus.yml"), config);
    int port = freePort();
    return start(
        "prometheus",
        dir,
        port,
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port);
  }

  /** Alertmanager with this configuration, without clustering, its data in {@code dir/data}. */
  public static ToolServer alertmanager(Path dir, String config) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("alertmanager.yml"), config);
    int port = freePort();
    return start(
        "prometheus-alertmanager",
        dir,
        port,
        "--config.file=" + dir.resolve("alertmanager.yml"),
        "--storage.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=");
  }

  private static ToolServer start(String tool, Path dir, int port, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ExternalTool.require(tool).toString());
    command.addAll(List.of(args));
    Path log = dir.resolve(tool + ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    ToolServer server = new ToolServer(tool, p, log, port);
    try {
      server.awaitReady(Duration.ofSeconds(30));
    } catch (RuntimeException | IOException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + name, e);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50); // poll interval of the readiness wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + name, e);
      }
    }
    throw new IllegalStateException(
        name + " not ready within " + timeout + ": " + Files.readString(log));
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** GET of an API path (with its query string) as JSON. */
  public JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  /** An instant PromQL query through Prometheus's HTTP API: the whole answer, errors included. */
  public JsonNode query(String promql) throws IOException, InterruptedException {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** What the server logged so far, for failure messages. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
