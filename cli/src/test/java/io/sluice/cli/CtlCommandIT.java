package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The admin API of a running pipeline (auth, roles, errors, pause and resume) and `sluice ctl`
 * against it and straight against DynamoDB.
 */
class CtlCommandIT {
  private static final String READ = "read-token-1";
  private static final String OPERATE = "operate-token-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theAdminApiAndCtlShowPauseAndResumeGroups() throws Exception {
    try (TestIsolation slice = TestIsolation.create("ctl");
        Connection source = slice.connectSource()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY, bid numeric)");
        st.execute("INSERT INTO quotes SELECT g, g FROM generate_series(1, 20) g");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "ctl-it.yaml"),
              slice,
              "- {name: quotes, tables: [quotes], partitions: 2}");
      PipelineConfig config =
          new ConfigLoader(
                  Map.of("SLUICE_ADMIN_READ_TOKEN", READ, "SLUICE_ADMIN_OPERATE_TOKEN", OPERATE))
              .load(file);
      try (Pipeline pipeline = Pipeline.start(config)) {
        String api = "http://localhost:" + pipeline.adminPort();

        assertThat(call("GET", api + "/groups", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", api + "/groups", "wrong", null).statusCode()).isEqualTo(401);
        HttpResponse<String> groups = call("GET", api + "/groups", READ, null);
        assertThat(groups.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(groups.body()).get(0).get("group").asText()).isEqualTo("quotes");
        assertThat(call("GET", api + "/groups/nope", READ, null).statusCode()).isEqualTo(404);
        assertThat(
                call("POST", api + "/groups/nope/pause", OPERATE, "{\"reason\":\"x\"}")
                    .statusCode())
            .isEqualTo(404);
        assertThat(
                call("POST", api + "/groups/quotes/pause", READ, "{\"reason\":\"x\"}").statusCode())
            .isEqualTo(403);
        assertThat(call("POST", api + "/groups/quotes/pause", OPERATE, "not json").statusCode())
            .isEqualTo(400);
        assertThat(call("POST", api + "/groups/quotes/pause", OPERATE, "{}").statusCode())
            .isEqualTo(400);
        assertThat(call("DELETE", api + "/groups/quotes", OPERATE, null).statusCode())
            .isEqualTo(405);

        HttpResponse<String> paused =
            call(
                "POST",
                api + "/groups/quotes/pause",
                OPERATE,
                "{\"reason\":\"rebuild\",\"by\":\"ops\"}");
        assertThat(paused.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(paused.body()).get("changed").asBoolean()).isTrue();
        HttpResponse<String> again =
            call("POST", api + "/groups/quotes/pause", OPERATE, "{\"reason\":\"rebuild\"}");
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(again.body()).get("changed").asBoolean()).isFalse();

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> group(api).get("actual").asText().equals("PAUSED"));
        JsonNode g = group(api);
        assertThat(g.get("desired").asText()).isEqualTo("PAUSED");
        assertThat(g.get("reason").asText()).isEqualTo("rebuild");
        assertThat(g.get("changedBy").asText()).isEqualTo("ops");
        assertThat(g.get("partitions")).hasSize(2);
        assertThat(g.get("partitions").get(0).get("owner").asText()).isNotEmpty();

        Ctl status = ctl("ctl", "status", "quotes", "--api", api, "--token", READ);
        assertThat(status.exit).as(status.err).isZero();
        assertThat(status.out)
            .contains("capture: RUNNING in ")
            .contains("group quotes: desired PAUSED, actual PAUSED")
            .contains("paused by ops")
            .contains("PARTITION");

        Ctl resume = ctl("ctl", "resume", "quotes", "-c", file.toString(), "--by", "carol");
        assertThat(resume.exit).as(resume.err).isZero();
        assertThat(resume.out).contains("group quotes resumed");
        Ctl resumeAgain = ctl("ctl", "resume", "quotes", "-c", file.toString());
        assertThat(resumeAgain.out).contains("was running already");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> group(api).get("actual").asText().equals("RUNNING"));

        Ctl json = ctl("ctl", "status", "quotes", "--json", "-c", file.toString());
        assertThat(json.exit).as(json.err).isZero();
        JsonNode direct = JSON.readTree(json.out);
        assertThat(direct.get("desired").asText()).isEqualTo("RUNNING");
        assertThat(direct.get("changedBy").asText()).isEqualTo("carol");
        Ctl list = ctl("ctl", "groups", "-c", file.toString());
        assertThat(list.out).contains("quotes").contains("RUNNING");
        Ctl noReason = ctl("ctl", "pause", "quotes", "-c", file.toString());
        assertThat(noReason.exit).isEqualTo(2);
        assertThat(noReason.err).contains("--reason");
        Ctl unknown = ctl("ctl", "pause", "nope", "--reason", "x", "-c", file.toString());
        assertThat(unknown.exit).isEqualTo(1);
        assertThat(unknown.err).contains("no group 'nope'");

        // the target drifts; resnapshot puts it right while the pipeline runs
        try (Connection target = slice.connectTarget();
            Statement st = target.createStatement()) {
          st.execute("UPDATE quotes SET bid = -1 WHERE id <= 3");
          st.execute("INSERT INTO quotes SELECT 1000, 1, _sluice_lsn FROM quotes WHERE id = 4");
          Ctl reload = ctl("ctl", "resnapshot", "quotes", "-c", file.toString());
          assertThat(reload.exit).as(reload.err).isZero();
          assertThat(reload.out)
              .contains("reloaded public.quotes: 20 rows from a snapshot at ")
              .contains(", 1 target rows removed");
          assertThat(reload.err).contains("reload of public.quotes finished: 20 rows");
          assertThat(rows(target)).isEqualTo(rows(source));
          Ctl outside = ctl("ctl", "resnapshot", "public.nope", "-c", file.toString());
          assertThat(outside.exit).isEqualTo(2);
          assertThat(outside.err).contains("does not capture public.nope");
        }
      }
    }
  }

  private static java.util.List<String> rows(Connection c) throws java.sql.SQLException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT id || ':' || bid FROM quotes ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private JsonNode group(String api) throws Exception {
    return JSON.readTree(call("GET", api + "/groups/quotes", READ, null).body());
  }

  private HttpResponse<String> call(String method, String url, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private record Ctl(int exit, String out, String err) {}

  private static Ctl ctl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Ctl(exit, out.toString(), err.toString());
  }
}
