package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.observe.DeployFiles;
import io.sluice.embedded.observe.ExternalTool;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code deploy/alertmanager/alertmanager.yml}: valid for amtool, and alerts route as meant. */
class AlertmanagerConfigIT {
  private final Path dir = DeployFiles.root().resolve("alertmanager");

  @Test
  void amtoolAcceptsTheConfiguration() throws Exception {
    ExternalTool.Result r =
        ExternalTool.run(dir, Duration.ofSeconds(60), "amtool", "check-config", "alertmanager.yml");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void alertsRouteByTheirSeverity() throws Exception {
    assertRoute(
        "data-platform-email", "severity=warning", "alertname=SluiceLagHigh", "group=fills");
    assertRoute("on-call-email", "severity=critical", "alertname=SluiceGroupHalted", "group=fills");
    assertRoute("deadmans-switch", "severity=none", "alertname=SluiceWatchdog");
  }

  private void assertRoute(String receiver, String... labels) throws Exception {
    String[] args = new String[5 + labels.length];
    args[0] = "config";
    args[1] = "routes";
    args[2] = "test";
    args[3] = "--config.file=alertmanager.yml";
    args[4] = "--verify.receivers=" + receiver;
    System.arraycopy(labels, 0, args, 5, labels.length);
    ExternalTool.Result r = ExternalTool.run(dir, Duration.ofSeconds(60), "amtool", args);
    assertThat(r.exit()).as(String.join(" ", labels) + ": " + r.output()).isZero();
  }
}
