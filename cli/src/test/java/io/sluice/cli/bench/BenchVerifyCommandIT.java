package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.SluiceCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A smoke run of {@code sluice bench verify} at a tiny size: both ways of comparing must find the
 * table equal in both rounds, and the run must end with the ratio line. Nothing here is timed.
 */
class BenchVerifyCommandIT {
  @Test
  void smallRunFindsTheTableEqualBothWaysAndEndsWithTheRatioLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SluiceCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit =
        cl.execute(
            "bench",
            "verify",
            "--rows",
            "20000",
            "--work-dir",
            Path.of("target", "bench-verify-it").toString());

    String output = out.toString();
    assertThat(exit).as(output + err).isZero();
    assertThat(output.lines().filter(l -> l.matches("round \\d: .*, match"))).as(output).hasSize(4);
    List<String> lines = output.lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .matches(
            "verify ratio vs naive full-table hash: \\d+\\.\\d\\d \\(sluice [\\d,]+ rows/s\\)");
  }
}
