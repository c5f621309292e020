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
 * A smoke run of {@code sluice bench e2e} at a tiny size and with short steps: Debezium's raw rate,
 * a step line per rate with both contenders' lags, both targets equal to the source at the end, and
 * the summary's last line. Nothing here is judged on speed.
 */
class BenchE2eCommandIT {
  @Test
  void shortRunReportsEveryStepAndEndsWithTheComparisonLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SluiceCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit =
        cl.execute(
            "bench",
            "e2e",
            "--rows",
            "5000",
            "--steps",
            "500,1000",
            "--step-duration",
            "6s",
            "--warm-up",
            "0s",
            "--ramp-steps",
            "1",
            "--ramp-step-duration",
            "4s",
            "--settle",
            "20s",
            "--raw-changes",
            "2000",
            "--work-dir",
            Path.of("target", "bench-e2e-it").toString());

    String output = out.toString();
    assertThat(exit).as(output + err).isZero();
    assertThat(output).as(output).contains("verified: 10/10 tables match the source");
    assertThat(output.lines().filter(l -> l.matches("debezium raw rate: [\\d,]+ records/s .*")))
        .as(output)
        .hasSize(1);
    for (String step : List.of("500/s", "1,000/s")) {
      assertThat(output.lines().filter(l -> l.startsWith("step " + step + ": source ")))
          .as(output)
          .hasSize(1);
    }
    assertThat(output.lines().filter(l -> l.matches("  (sluice|native) lag p50/p95/p99/max .*")))
        .as(output)
        .hasSizeGreaterThanOrEqualTo(4);
    List<String> lines = output.lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .matches(
            "e2e vs native logical replication: sustained (\\d+\\.\\d\\d|n/a)x \\(sluice \\d+/s,"
                + " native \\d+/s\\), p99 lag at 5000/s: sluice - ms, native - ms");
  }
}
