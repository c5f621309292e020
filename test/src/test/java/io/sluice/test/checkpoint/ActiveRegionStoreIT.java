package io.sluice.test.checkpoint;

import static io.sluice.test.checkpoint.DynamoDbState.golden;
import static io.sluice.test.checkpoint.DynamoDbState.pretty;
import static io.sluice.test.checkpoint.DynamoDbState.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.checkpoint.ActiveRegion;
import io.sluice.checkpoint.DynamoDbActiveRegionStore;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The active-region item of a two-region pipeline on DynamoDB Local: its exact item and audit
 * record against golden files, and a failover that is a no-op when the region is active already.
 */
class ActiveRegionStoreIT {
  private final DynamoDbState state = new DynamoDbState();

  @AfterEach
  void dropTables() {
    state.close();
  }

  @Test
  void activeRegionAndItsAuditV1() {
    new DynamoDbActiveRegionStore(state.client, state.tables, new TestClock())
        .set("eu-central-1", "eu-west-1 impaired", "alice");

    Map<String, AttributeValue> item =
        state.item(
            state.tables.groupControl(), Map.of("group", AttributeValue.fromS(":active-region")));
    assertMatchesGolden(render(item, Set.of("changed_at")), "active-region-v1.json");
    Map<String, AttributeValue> audit =
        state
            .client
            .query(
                b ->
                    b.tableName(state.tables.audit())
                        .keyConditionExpression("#g = :g")
                        .expressionAttributeNames(Map.of("#g", "group"))
                        .expressionAttributeValues(
                            Map.of(":g", AttributeValue.fromS(":active-region"))))
            .items()
            .get(0);
    ObjectNode rendered = (ObjectNode) render(audit, Set.of());
    rendered.putObject("at").put("S", "<ISO-8601 instant>#<uuid>");
    assertMatchesGolden(rendered, "active-region-audit-v1.json");
  }

  @Test
  void aFailoverToTheActiveRegionChangesNothing() {
    TestClock clock = new TestClock();
    DynamoDbActiveRegionStore store =
        new DynamoDbActiveRegionStore(state.client, state.tables, clock);
    assertThat(store.get()).isEmpty();

    assertThat(store.set("b", "a impaired", "alice")).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.set("b", "again", "bob")).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.set("a", "a back", "carol")).isTrue();

    ActiveRegion now = store.get().orElseThrow();
    assertThat(now.region()).isEqualTo("a");
    assertThat(now.changedBy()).isEqualTo("carol");
    assertThat(now.version()).isEqualTo(2);
  }

  private static void assertMatchesGolden(JsonNode actual, String golden) {
    assertThat(actual)
        .as("stored layout vs golden/%s; actual:%n%s", golden, pretty(actual))
        .isEqualTo(golden(golden));
  }
}
