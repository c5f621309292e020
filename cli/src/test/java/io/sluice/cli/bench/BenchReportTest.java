package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.bench.BenchWorkload.Shape;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.bench.ResourceUsage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static DrainResult drain(Shape shape, String contender, long rows, double seconds) {
    ResourceUsage u =
        new ResourceUsage(
            seconds,
            2 * seconds,
            seconds,
            0.1,
            0.5,
            1300L << 20,
            300L << 20,
            1L << 30,
            0.2,
            Map.of());
    return new DrainResult(shape, contender, rows, u);
  }

  private static BenchReport report() {
    return new BenchReport(
        new Machine(2, 24L << 30, "OpenJDK 17", "Linux", "0.1 0.1 0.1", "cpu"),
        "17.7",
        new BenchOptions(1000, 100, 1000, 50, 4, 2, Path.of("x"), Duration.ofSeconds(5)),
        List.of(
            drain(Shape.SINGLE_ROW, "sluice", 200_000, 4.0),
            drain(Shape.SINGLE_ROW, "native", 200_000, 5.0),
            drain(Shape.HUNDRED_ROW, "sluice", 2_000_000, 60.0),
            drain(Shape.HUNDRED_ROW, "native", 2_000_000, 40.0)));
  }

  @Test
  void ratioIsSluiceRateOverNativeRateWithTwoDecimals() {
    BenchReport r = report();
    assertThat(r.ratio(Shape.SINGLE_ROW)).isEqualTo(1.25);
    assertThat(r.ratioLine())
        .isEqualTo("apply ratio vs native logical replication: single-row 1.25, 100-row 0.67");
  }

  @Test
  void printEndsWithTheRatioLineAndNamesMissedTargets() {
    StringWriter out = new StringWriter();
    report().print(new PrintWriter(out));
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo(report().ratioLine());
    assertThat(out.toString())
        .contains("single-row met (1.25), 100-row missed by 33% (0.67)")
        .contains("live heap <= 1 GiB: met (300 MiB)")
        .contains("single-row  sluice        200,000     4.00     50,000");
  }
}
