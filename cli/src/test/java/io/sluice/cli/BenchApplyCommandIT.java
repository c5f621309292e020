package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of {@code sluice bench apply} at tiny sizes: it must finish, verify both targets
 * against the source, and end with the ratio line. Its figures are not checked; nothing here is
 * timed.
 */
class BenchApplyCommandIT {
  @Test
  void quickRunVerifiesBothTargetsAndEndsWithTheRatioLine() throws Exception {
    Path dir = Path.of("target", "bench-apply-it");
    StringWriter out = new StringWriter();
    picocli.CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    int exit =
        cl.execute(
            "bench",
            "apply",
            "--quick",
            "--large-rows",
            "5000",
            "--rows",
            "500",
            "--rows-100",
            "5000",
            "--work-dir",
            dir.toString());

    String output = out.toString();
    List<String> lines = output.lines().toList();
    assertThat(exit).as(output).isZero();
    assertThat(lines.get(lines.size() - 1))
        .matches(
            "apply ratio vs native logical replication: single-row \\d+\\.\\d\\d,"
                + " 100-row \\d+\\.\\d\\d");
    assertThat(output)
        .contains("verified: 8/8 tables match the source")
        .doesNotContain("MISMATCH")
        .contains("sluice drain: 500 rows in", "native drain: 5,000 rows in");
    JsonNode report = new ObjectMapper().readTree(dir.resolve("bench-apply.json").toFile());
    assertThat(report.path("verified")).as(report.toString()).isEqualTo(BooleanNode.TRUE);
    assertThat(Files.readString(dir.resolve("pipeline.yaml"))).contains("name: fills");
  }
}
