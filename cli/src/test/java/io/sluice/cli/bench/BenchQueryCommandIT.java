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
 * A smoke run of {@code sluice bench query} at a tiny size: both capture methods must carry every
 * update and end with the table equal, and the run must end with the ratio line. Nothing here is
 * timed.
 */
class BenchQueryCommandIT {
  @Test
  void smallRunCarriesEveryUpdateBothWaysAndEndsWithTheRatioLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SluiceCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit =
        cl.execute(
            "bench",
            "query",
            "--rows",
            "20000",
            "--updates",
            "5000",
            "--batch",
            "500",
            "--work-dir",
            Path.of("target", "bench-query-it").toString());

    String output = out.toString();
    assertThat(exit).as(output + err).isZero();
    assertThat(output.lines().filter(l -> l.matches("(log|query): .*; table equal")))
        .as(output)
        .hasSize(2);
    List<String> lines = output.lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .matches(
            "query capture ratio vs log capture: \\d+\\.\\d\\d \\(query [\\d,]+ rows/s, log"
                + " [\\d,]+ rows/s\\)");
  }
}
