package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SluiceCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("demo", "run", "--version");
  }

  @Test
  void versionNamesSluiceAndJava() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("sluice ").contains("Java 17");
  }

  @Test
  void unknownOptionIsNamedAndExitsWithUsageError() {
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--frobnicate'").contains("Usage: sluice");
  }

  @Test
  void runWithoutConfigSaysWhatIsMissing() {
    assertThat(run("run")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--config=FILE'");
  }

  @Test
  void runWithAMissingFileNamesIt(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThat(run("run", "--config", missing.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("config file " + missing + " does not exist");
  }

  @Test
  void runWithAnInvalidFileReportsEveryProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "pipeline:\n  name: Bad-Name\nsource:\n  prot: 5432\n");
    assertThat(run("run", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("pipeline.name 'Bad-Name'")
        .contains("unknown key 'source.prot'")
        .contains("source.host is required")
        .contains("groups is required");
  }

  @Test
  void demoRejectsABadDuration() {
    assertThat(run("demo", "--duration", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("not a duration: 'soon'");
  }
}
