package io.sluice.cli.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.checkpoint.CutoverState;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectionsTest {
  private static final PipelineConfig CONFIG =
      new ConfigLoader(Map.of())
          .parse(
              """
              pipeline: {name: orders}
              source: {host: gcp-pg, port: 5432, database: app, user: capture, slot: s1, publication: p1}
              target: {host: aurora, port: 5433, database: app2, user: apply}
              kafka: {bootstrap-servers: 'kafka:9092', topic-prefix: sluice.orders}
              dynamodb: {region: eu-west-1, table-prefix: 'sluice-orders-'}
              groups:
                - name: fills
                  tables: [fills]
                  exclude-columns: {fills: [memo]}
                - {name: refs, tables: ['refs_*']}
              """,
              "test");

  @Test
  void reverseSwapsTheDatabasesAndNamesItsOwnState() {
    PipelineConfig r = Directions.reverse(CONFIG, Set.of("fills", "refs"));

    assertThat(r.name()).isEqualTo("orders_reverse");
    assertThat(r.source().host()).isEqualTo("aurora");
    assertThat(r.source().port()).isEqualTo(5433);
    assertThat(r.source().database()).isEqualTo("app2");
    assertThat(r.source().user()).isEqualTo("apply");
    assertThat(r.source().slot()).isEqualTo("s1_reverse");
    assertThat(r.source().publication()).isEqualTo("p1_reverse");
    assertThat(r.target().host()).isEqualTo("gcp-pg");
    assertThat(r.target().database()).isEqualTo("app");
    assertThat(r.target().user()).isEqualTo("capture");
    assertThat(r.topicOf(r.group("fills"))).isEqualTo("sluice.orders.reverse.fills");
    assertThat(r.dynamoDb().tablePrefix()).isEqualTo("sluice-orders-reverse-");
    // the new primary has no column the forward direction left out
    assertThat(r.group("fills").excludeColumns()).isEmpty();
    assertThat(CONFIG.group("fills").excludeColumns()).containsKey("public.fills");
  }

  @Test
  void eachGroupRunsTheWayTheStateSays() {
    CutoverState none = CutoverState.initial();
    assertThat(Directions.forwardNow(CONFIG, none)).contains(CONFIG);
    assertThat(Directions.reverseNow(CONFIG, none)).isEmpty();

    CutoverState fillsReversed =
        new CutoverState(Set.of("fills"), Set.of(), Map.of(), Optional.empty(), 3);
    assertThat(
            Directions.forwardNow(CONFIG, fillsReversed).orElseThrow().groups().stream()
                .map(GroupConfig::name))
        .containsExactly("refs");
    PipelineConfig reverse = Directions.reverseNow(CONFIG, fillsReversed).orElseThrow();
    assertThat(reverse.name()).isEqualTo("orders_reverse");
    assertThat(reverse.groups().stream().map(GroupConfig::name)).containsExactly("fills");

    // a switching group runs neither way
    CutoverState switching =
        new CutoverState(Set.of("fills"), Set.of("fills", "refs"), Map.of(), Optional.empty(), 4);
    assertThat(Directions.forwardNow(CONFIG, switching)).isEmpty();
    assertThat(Directions.reverseNow(CONFIG, switching)).isEmpty();
  }

  @Test
  void aQueryCapturedPipelineHasNoReverse() {
    PipelineConfig greenplum =
        new ConfigLoader(Map.of())
            .parse(
                """
                pipeline: {name: dw}
                source: {host: gp, database: dw, user: capture}
                target: {host: aurora, database: app, user: apply}
                kafka: {bootstrap-servers: 'kafka:9092'}
                dynamodb: {region: eu-west-1}
                capture: {method: query}
                groups:
                  - {name: facts, tables: [facts]}
                """,
                "test");

    assertThatThrownBy(() -> Directions.reverse(greenplum, Set.of("facts")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("captures by query");
  }
}
