package io.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The parameter table of README.md is the one {@link StackConfigReader#PARAMETERS} renders. */
class ReadmeTest {
  private static final String START = "<!-- parameters: generated from StackConfigReader -->\n";
  private static final String END = "<!-- end of parameters -->";

  @Test
  void parameterTableIsCurrent() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(start).as("README.md has the parameters marker").isNotNegative();
    assertThat(readme.substring(start + START.length(), end))
        .as("README.md's parameter table; replace it with:\n" + table())
        .isEqualTo(table());
  }

  static String table() {
    return "| key | default | what it sets |\n|---|---|---|\n"
        + StackConfigReader.PARAMETERS.stream()
            .map(
                p ->
                    "| `"
                        + p.key()
                        + "` | "
                        + (p.required() ? "required" : p.defaultText())
                        + " | "
                        + p.description()
                        + " |\n")
            .collect(Collectors.joining());
  }
}
