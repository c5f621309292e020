package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.observe.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metrics, health and readiness endpoints of a running pipeline: a real scrape passes {@code
 * promtool check metrics} and holds the series dashboards and alerts use; an idle source does not
 * look lagging (heartbeats); a group that halts turns {@code /ready} to 503 and its halted gauge to
 * 1.
 */
class MetricsEndpointIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void scrapePassesPromtoolShowsLagAndReadinessFollowsAHalt() throws Exception {
    try (TestIsolation slice = TestIsolation.create("metrics");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY, bid numeric)");
        st.execute("INSERT INTO quotes SELECT g, g FROM generate_series(1, 50) g");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "metrics-it.yaml"),
              slice,
              "- {name: quotes, tables: [quotes], partitions: 2, alert-lag: 90s}");
      PipelineConfig config = new ConfigLoader(Observed.FAST).load(file);
      try (Pipeline pipeline = Pipeline.start(config)) {
        assertThat(Observed.get(pipeline, "/health").statusCode()).isEqualTo(200);
        // Writes after the copy load's snapshot, so that they are streamed changes.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> pipeline.capture().orElseThrow().stats().streaming());
        try (Statement st = source.createStatement()) {
          st.execute("INSERT INTO quotes SELECT g, g FROM generate_series(51, 80) g");
          st.execute("UPDATE quotes SET bid = bid + 1 WHERE id <= 10");
          st.execute("DELETE FROM quotes WHERE id = 80");
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  String s = Observed.scrape(pipeline);
                  assertThat(sum(s, "sluice_apply_events_total", "op=\"delete\""))
                      .as("deletes applied; scrape:%n%s", sluiceLines(s))
                      .isEqualTo(1);
                  assertThat(sum(s, "sluice_load_rows_total", "group=\"quotes\"")).isEqualTo(50);
                  assertThat(sum(s, "sluice_apply_events_total", "op=\"snapshot\"")).isZero();
                  assertThat(sum(s, "sluice_capture_events_total", "op=\"insert\"")).isEqualTo(30);
                  assertThat(sum(s, "sluice_capture_events_total", "op=\"update\"")).isEqualTo(10);
                  assertThat(s)
                      .contains("sluice_apply_lag_seconds{group=\"quotes\",partition=\"1\"");
                });
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Observed.get(pipeline, "/ready").statusCode() == 200);

        String scrape = Observed.scrape(pipeline);
        Path scrapeFile = Path.of("target", "metrics-it-scrape.txt").toAbsolutePath();
        Files.writeString(scrapeFile, scrape);
        ExternalTool.Result lint =
            ExternalTool.run(
                scrapeFile.getParent(),
                Duration.ofSeconds(60),
                "sh",
                "-c",
                ExternalTool.require("promtool") + " check metrics < " + scrapeFile.getFileName());
        assertThat(lint.exit()).as(lint.output()).isZero();
        assertThat(scrape)
            .contains("pipeline=\"" + config.name() + "\"")
            .contains("sluice_apply_lag_threshold_seconds{group=\"quotes\",pipeline=")
            .contains("sluice_apply_paused_threshold_seconds{group=\"quotes\"")
            .contains("sluice_apply_table_lag_seconds{group=\"quotes\"")
            .contains("sluice_apply_batch_duration_seconds_bucket{group=\"quotes\"")
            .contains("sluice_capture_slot_lag_bytes{")
            .contains("sluice_capture_snapshot_rows_expected{group=\"quotes\"")
            .contains("sluice_apply_retention_seconds{group=\"quotes\"");
        assertThat(value(scrape, "sluice_apply_lag_threshold_seconds", "severity=\"warning\""))
            .hasValue(90);
        assertThat(value(scrape, "sluice_capture_leader", "")).hasValue(1);
        assertThat(value(scrape, "sluice_apply_partitions", "")).hasValue(2);
        assertThat(value(scrape, "sluice_apply_leases", "")).hasValue(2);

        // Idle source: heartbeats (every second here) keep every partition's lag low, also the
        // partition whose rows did not change.
        await().atMost(Duration.ofSeconds(30)).until(() -> maxLag(Observed.scrape(pipeline)) < 3);
        await()
            .during(Duration.ofSeconds(6))
            .atMost(Duration.ofSeconds(10))
            .until(() -> maxLag(Observed.scrape(pipeline)) < 4);

        // The target refuses a change: the group halts (policy halt), /ready turns 503.
        try (Statement st = target.createStatement()) {
          st.execute("ALTER TABLE quotes ADD CONSTRAINT no_negative_bid CHECK (bid >= 0)");
        }
        try (Statement st = source.createStatement()) {
          st.execute("INSERT INTO quotes VALUES (1000, -1)");
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Observed.get(pipeline, "/ready").statusCode() == 503);
        JsonNode ready = JSON.readTree(Observed.get(pipeline, "/ready").body());
        assertThat(ready.get("status").asText()).isEqualTo("DOWN");
        assertThat(ready.get("problems").get(0).asText()).contains("group quotes halted");
        assertThat(value(Observed.scrape(pipeline), "sluice_apply_halted", "")).hasValue(1);
        assertThat(Observed.get(pipeline, "/health").statusCode()).isEqualTo(200);
      }
    }
  }

  private static String sluiceLines(String scrape) {
    return String.join(
        "\n",
        scrape.lines().filter(l -> l.startsWith("sluice_") && !l.contains("bucket")).toList());
  }

  /** Highest partition lag in a scrape. */
  private static double maxLag(String scrape) {
    double max = 0;
    Matcher m = Pattern.compile("(?m)^sluice_apply_lag_seconds\\{[^}]*} (\\S+)$").matcher(scrape);
    boolean any = false;
    while (m.find()) {
      any = true;
      max = Math.max(max, Double.parseDouble(m.group(1)));
    }
    return any ? max : Double.POSITIVE_INFINITY;
  }

  /** The sum of a metric's series whose labels contain {@code labels}. */
  private static double sum(String scrape, String name, String labels) {
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\S+)$").matcher(scrape);
    while (m.find()) {
      if (m.group(1).contains(labels)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** The value of the first series of a metric whose labels contain {@code labels}. */
  private static OptionalDouble value(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\S+)$").matcher(scrape);
    while (m.find()) {
      if (m.group(1).contains(labels)) {
        return OptionalDouble.of(Double.parseDouble(m.group(2)));
      }
    }
    return OptionalDouble.empty();
  }
}
