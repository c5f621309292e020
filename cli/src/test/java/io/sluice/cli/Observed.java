package io.sluice.cli;

import io.sluice.embedded.observe.DeployFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Reading a running pipeline's admin endpoints, and Prometheus set up to scrape it. */
final class Observed {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Configuration overrides for a pipeline observed at test speed: a heartbeat a second. */
  static final Map<String, String> FAST = Map.of("SLUICE_CAPTURE_HEARTBEAT_INTERVAL", "1s");

  private Observed() {}

  static HttpResponse<String> get(Pipeline pipeline, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pipeline.adminPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String scrape(Pipeline pipeline) throws IOException, InterruptedException {
    HttpResponse<String> r = get(pipeline, "/metrics");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("/metrics answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /**
   * Prometheus scraping the pipeline every second and evaluating sluice's alert rules from {@code
   * deploy/prometheus} every second, sending alerts to the Alertmanager at {@code alertmanager}
   * (none when null).
   */
  static String prometheusConfig(Pipeline pipeline, String alertmanager) {
    String alerting =
        alertmanager == null
            ? ""
            : """
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['%s']
            """
                .formatted(alertmanager);
    return """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        %s
        scrape_configs:
          - job_name: sluice
            static_configs:
              - targets: ['127.0.0.1:%d']
        """
        .formatted(
            DeployFiles.root().resolve("prometheus").resolve("sluice-alerts.yml"),
            alerting.indent(0).stripTrailing(),
            pipeline.adminPort());
  }
}
