package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.SluiceCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A smoke run of {@code sluice bench load} at tiny sizes: every contender must load every table,
 * match the source, and appear once in the JSON report. Its figures are not checked; nothing here
 * is timed.
 */
class BenchLoadCommandIT {
  @Test
  void quickRunVerifiesEveryContenderAndReportsEachOnce() throws Exception {
    Path dir = Path.of("target", "bench-load-it");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SluiceCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit =
        cl.execute(
            "bench",
            "load",
            "--quick",
            "--rows",
            "20000",
            "--small-tables",
            "5",
            "--work-dir",
            dir.toString());

    String output = out.toString();
    assertThat(exit).as(output + err).isZero();
    List<String> names = LoadBenchmark.contenders().stream().map(LoadContender::name).toList();
    for (String name : names) {
      assertThat(output).contains("verified: 6/6 tables match the source (" + name + " target");
    }
    assertThat(output).doesNotContain("MISMATCH").doesNotContain("FAILED");
    assertThat(output)
        .as("the large table reloaded after sluice's load, and verified after it")
        .containsPattern(
            "sluice ctl resnapshot public\\.\\w+ after the load, capture streaming:"
                + " 20,000 rows in");
    List<String> lines = output.lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .matches(
            "load ratio vs single-stream COPY: \\d+\\.\\d\\d \\(sluice [\\d,]+ rows/s,"
                + " COPY [\\d,]+ rows/s, native sync [\\d,]+ rows/s\\)");

    JsonNode report = new ObjectMapper().readTree(dir.resolve("bench-load.json").toFile());
    List<String> reported = new ArrayList<>();
    for (JsonNode load : report.path("loads")) {
      reported.add(load.path("contender").asText());
      assertThat(load.path("verified").asBoolean()).as(load.toString()).isTrue();
      assertThat(load.path("rows").asLong()).isEqualTo(20_000L + 228_759L);
    }
    assertThat(reported).containsExactlyElementsOf(names).contains(LoadReport.SLUICE);
    assertThat(report.path("verified").asBoolean()).isTrue();
  }
}
