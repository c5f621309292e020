package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checkpoint.CutoverState;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectedPipelinesTest {
  private static final PipelineConfig CONFIG =
      new ConfigLoader(Map.of())
          .parse(
              """
              pipeline: {name: orders}
              source: {host: a, database: app, user: u}
              target: {host: b, database: app, user: u}
              kafka: {bootstrap-servers: 'kafka:9092'}
              dynamodb: {region: eu-west-1}
              groups:
                - {name: fills, tables: [fills]}
                - {name: refs, tables: [refs]}
                - {name: books, tables: [books]}
              """,
              "test");
  private static final CutoverState STATE =
      new CutoverState(Set.of("fills", "books"), Set.of("books"), Map.of(), Optional.empty(), 7);

  @Test
  void captureRunsEveryGroupInItsDirectionAndNoneThatIsSwitching() {
    assertThat(DirectedPipelines.Assignment.of(CONFIG, STATE, Pipeline.Role.CAPTURE, List.of()))
        .isEqualTo(new DirectedPipelines.Assignment(List.of("refs"), List.of("fills")));
  }

  @Test
  void applyRunsItsChosenGroupsOnly() {
    assertThat(
            DirectedPipelines.Assignment.of(
                CONFIG, STATE, Pipeline.Role.APPLY, List.of("fills", "books")))
        .isEqualTo(new DirectedPipelines.Assignment(List.of(), List.of("fills")));
    assertThat(DirectedPipelines.Assignment.of(CONFIG, STATE, Pipeline.Role.ALL, List.of()))
        .isEqualTo(new DirectedPipelines.Assignment(List.of("refs"), List.of("fills")));
  }
}
