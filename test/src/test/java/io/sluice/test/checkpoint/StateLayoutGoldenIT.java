package io.sluice.test.checkpoint;

import static io.sluice.test.checkpoint.DynamoDbState.golden;
import static io.sluice.test.checkpoint.DynamoDbState.pretty;
import static io.sluice.test.checkpoint.DynamoDbState.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.DesiredState;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbGroupControlStore;
import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.DynamoDbQueryStateStore;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.QueryState;
import io.sluice.checkpoint.WorkerStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
    TestClock clock = new TestClock();
    new DynamoDbApplyCheckpointStore(state.client, state.tables, clock)
        .save(
            new ApplyCheckpoint("fills", 3, 1234, 0x16B374D848L),
            state.lease("fills", 3, "worker-1", clock));

    Map<String, AttributeValue> item =
        state.item(
            state.tables.applyCheckpoints(),
            Map.of("group", AttributeValue.fromS("fills"), "partition", AttributeValue.fromN("3")));

    assertMatchesGolden(render(item, Set.of("updated_at")), "apply-checkpoint-v1.json");
  }

  @Test
  void leaseV1() {
    state.lease("fills", 3, "apply-7f9c-0", new TestClock());

    Map<String, AttributeValue> item =
        state.item(
            state.tables.leases(),
            Map.of("group", AttributeValue.fromS("fills"), "partition", AttributeValue.fromN("3")));

    assertMatchesGolden(render(item, Set.of("updated_at")), "lease-v1.json");
  }

  @Test
  void groupControlAndAuditV1() {
    DynamoDbGroupControlStore store =
        new DynamoDbGroupControlStore(state.client, state.tables, new TestClock());
    store.set("fills", DesiredState.PAUSED, "index rebuild on the target", "alice");

    Map<String, AttributeValue> control =
        state.item(state.tables.groupControl(), Map.of("group", AttributeValue.fromS("fills")));
    assertMatchesGolden(render(control, Set.of("changed_at")), "group-control-v1.json");

    Map<String, AttributeValue> audit =
        new HashMap<>(
            state
                .client
                .query(
                    b ->
                        b.tableName(state.tables.audit())
                            .keyConditionExpression("#g = :g")
                            .expressionAttributeNames(Map.of("#g", "group"))
                            .expressionAttributeValues(Map.of(":g", AttributeValue.fromS("fills"))))
                .items()
                .get(0));
    String[] at = audit.get("at").s().split("#", 2);
    Instant.parse(at[0]);
    UUID.fromString(at[1]);
    audit.put("at", AttributeValue.fromS("<ISO-8601 instant>#<uuid>"));
    assertMatchesGolden(render(audit, Set.of()), "audit-v1.json");
  }

  @Test
  void workerStatusV1() {
    new DynamoDbGroupControlStore(state.client, state.tables, new TestClock())
        .report(
            new WorkerStatus(
                "fills",
                "apply-7f9c-0",
                WorkerStatus.ActualState.PAUSED,
                List.of(0, 2),
                Map.of(0, 1_767_225_600_123_456L),
                "",
                Instant.parse("2026-01-01T00:00:00Z")));

    Map<String, AttributeValue> item =
        state.item(
            state.tables.workers(),
            Map.of(
                "group",
                AttributeValue.fromS("fills"),
                "worker",
                AttributeValue.fromS("apply-7f9c-0")));

    assertMatchesGolden(render(item, Set.of("reported_at")), "worker-status-v1.json");
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
  void loadProgressV1() {
    TestClock clock = new TestClock();
    io.sluice.checkpoint.Lease lease = state.lease(":capture", 0, "capture-1", clock);
    io.sluice.checkpoint.LoadChunk chunk =
        new io.sluice.checkpoint.LoadChunk(
            "public.fills",
            1,
            java.util.Optional.of("id"),
            java.util.Optional.of("1000001"),
            java.util.Optional.of("2000001"),
            1_000_000);
    DynamoDbLoadProgressStore store =
        new DynamoDbLoadProgressStore(state.client, state.tables, clock);
    store.start(
        LoadPlan.of(
            0x16B374D848L,
            List.of(chunk),
            Map.of("sluice.orders.book/0", 12L, "sluice.orders.book/1", 0L)),
        lease);
    store.copied(chunk, 999_998, lease);

    Map<String, AttributeValue> plan =
        state.item(
            state.tables.loadProgress(),
            Map.of("table", AttributeValue.fromS(":plan"), "chunk", AttributeValue.fromN("0")));
    assertMatchesGolden(render(plan, Set.of("updated_at")), "load-plan-v1.json");
    Map<String, AttributeValue> item =
        state.item(
            state.tables.loadProgress(),
            Map.of(
                "table", AttributeValue.fromS("public.fills"), "chunk", AttributeValue.fromN("1")));
    assertMatchesGolden(render(item, Set.of("updated_at")), "load-chunk-v1.json");
  }

  @Test
  void queryStateV1() {
    TestClock clock = new TestClock();
    io.sluice.checkpoint.Lease lease = state.lease(":capture", 0, "capture-1", clock);
    new DynamoDbQueryStateStore(state.client, state.tables, "orders", clock)
        .save(
            new QueryState(
                2000,
                1042,
                1_796_000_000_000_000L,
                Map.of(
                    "public.fills",
                    new QueryState.TableState(
                        "watermark",
                        "updated_at",
                        java.util.Optional.of("2026-12-07 18:00:00.123456+00"),
                        java.util.Optional.of("2026-12-07T17:45:00Z")),
                    "public.refs",
                    new QueryState.TableState(
                        "diff", "", java.util.Optional.empty(), java.util.Optional.empty()))),
            lease);

    Map<String, AttributeValue> item =
        state.item(
            state.tables.sourceOffsets(), Map.of("pipeline", AttributeValue.fromS("orders#query")));

    assertMatchesGolden(render(item, Set.of("updated_at")), "query-state-v1.json");
  }

  @Test
  void stateTablesV1() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode actual = json.createObjectNode();
    for (String table : state.tables.all()) {
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
