package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.observe.DeployFiles;
import io.sluice.embedded.observe.ToolServer;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * From a condition in a live pipeline to a mailbox: real Prometheus evaluates sluice's alert rules
 * from {@code deploy/prometheus} against the pipeline's metrics, real Alertmanager routes with the
 * configuration from {@code deploy/alertmanager} (its SMTP relay and timings replaced for the
 * test), and GreenMail receives. A group paused past its threshold sends an e-mail naming the
 * group; resuming it sends the resolution.
 */
class AlertEmailIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void aGroupPausedTooLongMailsTheTeamAndResolvesOnResume() throws Exception {
    int smtpPort;
    try (ServerSocket s = new ServerSocket(0)) {
      smtpPort = s.getLocalPort();
    }
    GreenMail mail =
        new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    try (TestIsolation slice = TestIsolation.create("alerts");
        Connection source = slice.connectSource()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE orders (id int PRIMARY KEY, qty int)");
        st.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 10) g");
      }
      Path file =
          TestPipelines.write(
              Path.of("target", "alerts-it.yaml"),
              slice,
              """
              - {name: orders, tables: [orders], partitions: 1, alert-paused: 3s}
              - {name: refs, tables: [refs_none], partitions: 1}""");
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE refs_none (id int PRIMARY KEY)");
      }
      PipelineConfig config = new ConfigLoader(Observed.FAST).load(file);
      try (Pipeline pipeline = Pipeline.start(config);
          ToolServer alertmanager =
              ToolServer.alertmanager(
                  Path.of("target", "alerts-it-alertmanager").toAbsolutePath(),
                  alertmanagerConfig(smtpPort));
          ToolServer ignored =
              ToolServer.prometheus(
                  Path.of("target", "alerts-it-prometheus").toAbsolutePath(),
                  Observed.prometheusConfig(pipeline, alertmanager.url().replace("http://", "")))) {
        assertThat(
                ctl("ctl", "pause", "orders", "--reason", "index rebuild", "-c", file.toString()))
            .isZero();

        MimeMessage firing = awaitMail(mail, "[FIRING");
        assertThat(firing.getSubject())
            .contains("SluiceGroupPausedTooLong")
            .contains("group=orders")
            .contains("pipeline=" + config.name());
        assertThat(firing.getAllRecipients())
            .extracting(Object::toString)
            .contains("data-platform@example.com");
        assertThat(GreenMailUtil.getBody(firing))
            .contains("orders")
            .contains("runbook.md#sluicegrouppausedtoolong");
        assertThat(subjects(mail)).noneMatch(s -> s.contains("group=refs"));

        assertThat(ctl("ctl", "resume", "orders", "-c", file.toString())).isZero();
        MimeMessage resolved = awaitMail(mail, "[RESOLVED");
        assertThat(resolved.getSubject())
            .contains("SluiceGroupPausedTooLong")
            .contains("group=orders");
      }
    } finally {
      mail.stop();
    }
  }

  /** The deploy configuration, sending through GreenMail at once instead of a relay with TLS. */
  private static String alertmanagerConfig(int smtpPort) throws Exception {
    ObjectNode am =
        (ObjectNode)
            YAML.readTree(
                DeployFiles.root().resolve("alertmanager").resolve("alertmanager.yml").toFile());
    ObjectNode global = (ObjectNode) am.get("global");
    global.put("smtp_smarthost", "127.0.0.1:" + smtpPort);
    global.put("smtp_require_tls", false);
    global.remove(List.of("smtp_auth_username", "smtp_auth_password_file"));
    ObjectNode route = (ObjectNode) am.get("route");
    fast(route);
    route.get("routes").forEach(r -> fast((ObjectNode) r));
    return YAML.writeValueAsString(am);
  }

  private static void fast(ObjectNode route) {
    route.put("group_wait", "1s");
    route.put("group_interval", "1s");
  }

  private static MimeMessage awaitMail(GreenMail mail, String status) {
    return await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                Arrays.stream(mail.getReceivedMessages())
                    .filter(m -> subject(m).startsWith(status))
                    .reduce((a, b) -> b)
                    .orElse(null),
            m -> m != null);
  }

  private static List<String> subjects(GreenMail mail) {
    return Arrays.stream(mail.getReceivedMessages()).map(AlertEmailIT::subject).toList();
  }

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int ctl(String... args) {
    return SluiceCommand.commandLine().execute(args);
  }
}
