package io.sluice.test.checkpoint;

import static io.sluice.test.checkpoint.DynamoDbState.golden;
import static io.sluice.test.checkpoint.DynamoDbState.pretty;
import static io.sluice.test.checkpoint.DynamoDbState.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The exact DynamoDB items and tables each format version writes, against golden files under {@code
 * golden/}: a change of attribute names, types or keys must come with a new format version (and a
 * new golden file), never silently. Workers of the old version still read these items.
 */
class StateLayoutGoldenIT {
  private final DynamoDbState state = new DynamoDbState();

  @AfterEach
  void dropTables() {
    state.close();
  }

  @Test
  void applyCheckpointV1() {
    new DynamoDbApplyCheckpointStore(state.client, state.tables)
        .save(new ApplyCheckpoint("fills", 3, 1234, 0x16B374D848L));

    Map<String, AttributeValue> item =
        state.item(
            state.tables.applyCheckpoints(),
            Map.of("group", AttributeValue.fromS("fills"), "partition", AttributeValue.fromN("3")));

    assertMatchesGolden(render(item, Set.of("updated_at")), "apply-checkpoint-v1.json");
  }

  @Test
  void sourceOffsetsV1() throws Exception {
    DynamoDbOffsetBackingStore store = state.startOffsetStore("orders");
    try {
      store
          .set(
              Map.of(
                  DynamoDbOffsetBackingStoreIT.bytes(DynamoDbOffsetBackingStoreIT.PARTITION_KEY),
                  DynamoDbOffsetBackingStoreIT.bytes(DynamoDbOffsetBackingStoreIT.OFFSET)),
              null)
          .get(10, TimeUnit.SECONDS);
    } finally {
      store.stop();
    }

    Map<String, AttributeValue> item =
        state.item(
            state.tables.sourceOffsets(), Map.of("pipeline", AttributeValue.fromS("orders")));

    assertMatchesGolden(render(item, Set.of("updated_at")), "source-offsets-v1.json");
  }

  @Test
  void stateTablesV1() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode actual = json.createObjectNode();
    for (String table :
        new String[] {state.tables.sourceOffsets(), state.tables.applyCheckpoints()}) {
      TableDescription d = state.client.describeTable(b -> b.tableName(table)).table();
      ObjectNode t = actual.putObject(table.substring(state.config.tablePrefix().length()));
      t.put("billing_mode", d.billingModeSummary().billingModeAsString());
      d.keySchema()
          .forEach(
              k ->
                  t.withArray("keys")
                      .addObject()
                      .put("name", k.attributeName())
                      .put(
                          "type",
                          d.attributeDefinitions().stream()
                              .filter(a -> a.attributeName().equals(k.attributeName()))
                              .findFirst()
                              .orElseThrow()
                              .attributeTypeAsString())
                      .put("key_type", k.keyTypeAsString()));
    }

    assertMatchesGolden(actual, "state-tables-v1.json");
  }

  private static void assertMatchesGolden(JsonNode actual, String golden) {
    JsonNode expected = golden(golden);
    assertThat(actual)
        .as("stored layout vs golden/%s; actual:%n%s", golden, pretty(actual))
        .isEqualTo(expected);
  }
}
