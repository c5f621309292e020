package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A short seeded drill, in process: each round's events are ridden through, every table matches
 * after every round, and the summary says so. Four rounds hit the source, the target, Kafka and
 * DynamoDB in turn.
 */
class DrillCommandIT {
  private static final Pattern SUMMARY =
      Pattern.compile(
          "drills: (\\d+) rounds, (\\d+) events, (\\d+) rows lost, (\\d+) tables diverged,"
              + " (\\d+) halts");

  @Test
  void aSeededDrillLosesNothingDivergesNowhereAndNeverHalts() throws Exception {
    StringWriter out = new StringWriter();
    picocli.CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    int exit =
        cl.execute(
            "drill",
            "--rounds",
            "4",
            "--seed",
            "11",
            "--max-fault",
            "4",
            "--work-dir",
            Path.of("target", "drill-it").toString());

    List<String> lines = out.toString().lines().toList();
    List<String> rounds = lines.stream().filter(l -> l.startsWith("round ")).toList();
    assertThat(rounds)
        .hasSize(4)
        .allMatch(l -> l.contains("34/34 tables match"), "every table matches after each round");
    assertThat(rounds.get(2)).contains("Kafka broker restart");
    assertThat(rounds.get(3)).contains("DynamoDB outage");
    Matcher summary = SUMMARY.matcher(lines.get(lines.size() - 1));
    assertThat(summary.matches()).as(out.toString()).isTrue();
    assertThat(summary.group(1)).isEqualTo("4");
    assertThat(Integer.parseInt(summary.group(2))).isGreaterThanOrEqualTo(4);
    assertThat(summary.group(3)).isEqualTo("0");
    assertThat(summary.group(4)).isEqualTo("0");
    assertThat(summary.group(5)).isEqualTo("0");
    assertThat(exit).isZero();
  }
}
