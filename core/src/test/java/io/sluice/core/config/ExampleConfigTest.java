package io.sluice.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.schema.TableId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps examples/pipeline.yaml valid and documented as the config evolves. */
class ExampleConfigTest {
  /** Surefire runs in the module directory, so the repository root is one level up. */
  private static final Path EXAMPLE = Path.of("..", "examples", "pipeline.yaml");

  @Test
  void exampleParsesWithTheValuesItDocuments() {
    PipelineConfig c = new ConfigLoader(Map.of()).load(EXAMPLE);

    assertThat(c.name()).isEqualTo("trading");
    assertThat(c.source().host()).endsWith(".rds.amazonaws.com");
    assertThat(c.kafka().bootstrapServers().split(","))
        .hasSize(3)
        .allMatch(b -> b.endsWith(":9094"));
    assertThat(c.dynamoDb().region()).isEqualTo("eu-west-1");
    assertThat(c.dynamoDb().tablePrefix()).isEqualTo("sluice-trading-prod-");
    assertThat(c.dynamoDb().endpoint()).isEmpty();
    assertThat(c.apply().batchLinger()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.apply().checkpointInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.groups()).extracting(GroupConfig::name).containsExactly("fills", "reference");
    assertThat(c.group("fills").partitions()).isEqualTo(12);
    assertThat(c.group("fills").tables()).containsExactly(new TablePattern("public.fills"));
    assertThat(c.group("fills").excludedColumns("public.fills")).containsExactly("raw_fix");
    assertThat(c.group("reference").partitions()).isEqualTo(2);
    assertThat(c.group("reference").tables().get(0).matches(new TableId("public", "ref_venues")))
        .isTrue();
    assertThat(c.topicOf(c.group("fills"))).isEqualTo("sluice.trading.fills");
    assertThat(c.targetPoolSize(c.group("fills"))).isEqualTo(12);
    assertThat(c.targetPoolSize(c.group("reference"))).isEqualTo(2);
    assertThat(c.sequences().interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.sequences().include()).containsExactly("public.invoice_number");
    assertThat(c.cutover().revokeWritesFrom()).containsExactly("trading_app");
  }

  @Test
  void passwordsComeFromTheEnvironmentNotTheFile() {
    assertThat(new ConfigLoader(Map.of()).load(EXAMPLE).source().password().isEmpty()).isTrue();

    PipelineConfig c =
        new ConfigLoader(
                Map.of(
                    "SLUICE_SOURCE_PASSWORD", "src-secret", "SLUICE_TARGET_PASSWORD", "dst-secret"))
            .load(EXAMPLE);

    assertThat(c.source().password().value()).isEqualTo("src-secret");
    assertThat(c.target().password().value()).isEqualTo("dst-secret");
  }

  @Test
  void everyKeyHasAComment() throws IOException {
    List<String> lines = Files.readAllLines(EXAMPLE);
    List<String> undocumented = new ArrayList<>();
    String previous = "";
    for (String line : lines) {
      String t = line.strip();
      boolean isKey = t.matches("(- )?[a-z][a-z0-9._-]*:( .*)?");
      boolean parentOfCommentedKeys = t.equals("batch:") || t.equals("groups:");
      boolean isSection = !line.startsWith(" ") && t.endsWith(":");
      if (isKey && !isSection && !parentOfCommentedKeys && !previous.startsWith("#")) {
        undocumented.add(line);
      }
      if (!t.isEmpty()) {
        previous = t;
      }
    }
    assertThat(undocumented).as("keys in %s without a comment line above them", EXAMPLE).isEmpty();
  }
}
