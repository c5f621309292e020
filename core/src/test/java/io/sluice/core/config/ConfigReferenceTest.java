package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
  /** Surefire runs in the module directory, so the repository root is one level up. */
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void checkedInReferenceMatchesTheKeyDescriptors() throws IOException {
    String expected = ConfigReference.markdown();
    if (Boolean.getBoolean("sluice.docs.regenerate")) {
      Files.createDirectories(DOC.getParent());
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(DOC))
        .as("%s is missing; create it with: %s", DOC, ConfigReference.REGENERATE_COMMAND)
        .isTrue();
    String actual = Files.readString(DOC, StandardCharsets.UTF_8).replace("\r\n", "\n");
    assertThat(actual)
        .as(
            "docs/configuration.md is stale (first difference at line %d): it must equal"
                + " ConfigReference.markdown(), which is generated from ConfigKeys. Do not edit it"
                + " by hand; regenerate it from the repository root with: %s",
            firstDifferentLine(actual, expected), ConfigReference.REGENERATE_COMMAND)
        .isEqualTo(expected);
  }

  private static int firstDifferentLine(String a, String b) {
    String[] x = a.split("\n", -1);
    String[] y = b.split("\n", -1);
    int i = 0;
    while (i < x.length && i < y.length && x[i].equals(y[i])) {
      i++;
    }
    return i + 1;
  }

  @Test
  void documentsEveryKeyWithItsEnvironmentVariableAndDefault() {
    String md = ConfigReference.markdown();
    for (ConfigKey k : ConfigKeys.ALL) {
      assertThat(md).contains("| `" + k.path() + "` |");
      if (k.envOverridable()) {
        assertThat(md).contains("`" + k.envName() + "`");
      }
    }
    for (ConfigKey k : ConfigKeys.GROUP_KEYS) {
      assertThat(md).contains("| `" + k.path() + "` |");
    }
    assertThat(md)
        .startsWith("# Configuration reference\n")
        .contains("| `apply.batch.rows` | integer | `5000` | `SLUICE_APPLY_BATCH_ROWS` |")
        .contains("| `source.host` | string | required | `SLUICE_SOURCE_HOST` |")
        .contains("| `source.password` | secret | empty | `SLUICE_SOURCE_PASSWORD` |")
        .contains("| `kafka.properties` | map of strings | — | — |")
        .contains("| `groups[].tables` | list of strings | required | — |")
        .contains("`SLUICE_KAFKA_BOOTSTRAP_SERVERS`");
  }

  @Test
  void showsTheValuesEachKeyAcceptsInTheLastColumn() {
    String md = ConfigReference.markdown();

    assertThat(md)
        .contains("| key | type | default | environment variable | description | valid values |\n")
        .contains(
            "| `target.port` | integer | `5432` | `SLUICE_TARGET_PORT` | Target port. | 1 to 65535"
                + " |\n")
        .contains(
            "| `source.host` | string | required | `SLUICE_SOURCE_HOST` | Source PostgreSQL"
                + " host. | — |\n")
        .contains("| `[a-z][a-z0-9_]{0,47}` |\n")
        .contains("| `[a-z0-9][a-z0-9_-]{0,62}` |\n")
        .contains("| `apply`, `ignore`, `halt` |\n")
        .contains("| `halt`, `dead-letter` |\n")
        .contains("| 65536 to 2147483647 |\n")
        .contains("| 1 to 1024 |\n")
        .contains("| not negative |\n")
        .contains("| longer than 0 |\n");
    for (ConfigKey k : ConfigKeys.ALL) {
      k.rule().ifPresent(r -> assertThat(md).contains("| `" + k.path() + "` |").contains(r.text()));
    }
  }

  @Test
  void hasOneTablePerSectionInDocumentationOrder() {
    String md = ConfigReference.markdown();
    String[] sections = {
      "pipeline",
      "source",
      "target",
      "kafka",
      "dynamodb",
      "capture",
      "apply",
      "admin",
      "alerts",
      "verify",
      "sequences",
      "cutover",
      "region",
      "groups"
    };
    int previous = -1;
    for (String s : sections) {
      int at = md.indexOf("\n## `" + s + "`\n");
      assertThat(at).as("section %s", s).isGreaterThan(previous);
      previous = at;
    }
    assertThat(md.split("\n\\| key \\| type \\| default \\| environment variable \\| description"))
        .hasSize(sections.length + 1);
  }
}
