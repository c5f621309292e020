package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo end to end, in process: it must verify every table and exit 0. */
class DemoCommandIT {
  @Test
  void shortDemoVerifiesEveryTable() throws Exception {
    Path dir = Path.of("target", "demo-it");
    StringWriter out = new StringWriter();
    picocli.CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    int exit =
        cl.execute(
            "demo",
            "--duration",
            "8s",
            "--rate",
            "300",
            "--fills-rows",
            "5000",
            "--work-dir",
            dir.toString());

    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("verified: 33/33 tables match");
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("carried ").doesNotContain("MISMATCH");
    assertThat(Files.readString(dir.resolve("pipeline.yaml"))).contains("name: fills");
  }
}
