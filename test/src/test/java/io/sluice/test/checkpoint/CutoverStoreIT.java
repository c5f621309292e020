package io.sluice.test.checkpoint;

import static io.sluice.test.checkpoint.DynamoDbState.golden;
import static io.sluice.test.checkpoint.DynamoDbState.pretty;
import static io.sluice.test.checkpoint.DynamoDbState.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.DynamoDbVerifyRecords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cutover state and the verification records on DynamoDB Local: their exact items against
 * golden files (a change of layout must come with a new format version), a state that round-trips,
 * and a replace from a stale read that is refused, so two cutovers cannot both act on one state.
 */
class CutoverStoreIT {
  private static final CutoverState SWITCHING =
      new CutoverState(
          Set.of("refs"),
          Set.of("fills"),
          Map.of("source", Map.of("trader", Map.of("public.fills", "INSERT,UPDATE"))),
          Optional.of(
              new CutoverState.Switch(
                  false,
                  List.of("fills"),
                  "alice",
                  Instant.parse("2026-12-08T01:02:03Z"),
                  0x16B374D848L,
                  0)),
          0);

  private final DynamoDbState state = new DynamoDbState();

  @AfterEach
  void dropTables() {
    state.close();
  }

  @Test
  void cutoverStateAndAuditV1() {
    DynamoDbCutoverStore store =
        new DynamoDbCutoverStore(state.client, state.tables, new TestClock());
    assertThat(
            store.replace(
                CutoverState.initial(), SWITCHING, "alice", "cutover of [fills] recorded"))
        .isTrue();

    Map<String, AttributeValue> item =
        state.item(state.tables.groupControl(), Map.of("group", AttributeValue.fromS(":cutover")));
    assertMatchesGolden(render(item, Set.of()), "cutover-state-v1.json");
    Map<String, AttributeValue> audit =
        state
            .client
            .query(
                b ->
                    b.tableName(state.tables.audit())
                        .keyConditionExpression("#g = :g")
                        .expressionAttributeNames(Map.of("#g", "group"))
                        .expressionAttributeValues(Map.of(":g", AttributeValue.fromS(":cutover"))))
            .items()
            .get(0);
    ObjectNode rendered = (ObjectNode) render(audit, Set.of());
    assertThat(audit.get("at").s()).matches("2026-01-01T00:00:00Z#[0-9a-f-]{36}");
    rendered.putObject("at").put("S", "<ISO-8601 instant>#<uuid>");
    assertMatchesGolden(rendered, "cutover-audit-v1.json");
  }

  @Test
  void verifyRecordV1() {
    new DynamoDbVerifyRecords(state.client, state.tables)
        .record(
            new DynamoDbVerifyRecords.Outcome(
                "fills", false, 3, 1, Instant.parse("2026-12-08T01:02:03Z")));

    Map<String, AttributeValue> item =
        state.item(
            state.tables.groupControl(), Map.of("group", AttributeValue.fromS("verify:fills")));
    assertMatchesGolden(render(item, Set.of()), "verify-record-v1.json");
  }

  @Test
  void theStateRoundTripsAndAStaleReplaceIsRefused() {
    TestClock clock = new TestClock();
    DynamoDbCutoverStore store = new DynamoDbCutoverStore(state.client, state.tables, clock);
    assertThat(store.get()).isEqualTo(CutoverState.initial());
    assertThat(store.replace(CutoverState.initial(), SWITCHING, "alice", "recorded")).isTrue();

    CutoverState read = store.get();
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.reversed()).containsExactly("refs");
    assertThat(read.switching()).containsExactly("fills");
    assertThat(read.revoked()).isEqualTo(SWITCHING.revoked());
    assertThat(read.lastSwitch()).isEqualTo(SWITCHING.lastSwitch());
    assertThat(read.isReversed("refs")).isTrue();
    assertThat(read.isForward("fills")).isFalse();
    assertThat(read.isReversed("fills")).isFalse();

    CutoverState done =
        new CutoverState(Set.of("refs", "fills"), Set.of(), Map.of(), read.lastSwitch(), 0);
    clock.advance(java.time.Duration.ofSeconds(1));
    // a second cutover that read the state before the first changed it loses
    assertThat(store.replace(CutoverState.initial(), done, "bob", "switched")).isFalse();
    assertThat(store.replace(read, done, "alice", "switched")).isTrue();
    assertThat(store.get().reversed()).containsExactlyInAnyOrder("refs", "fills");
    assertThat(store.replace(read, SWITCHING, "bob", "again")).isFalse();
    assertThat(store.events(10).stream().map(DynamoDbCutoverStore.Event::event))
        .containsExactly("switched", "recorded");
  }

  private static void assertMatchesGolden(JsonNode actual, String golden) {
    JsonNode expected;
    try {
      expected = golden(golden);
    } catch (IllegalStateException e) {
      throw new AssertionError("no golden file " + golden + "; actual:\n" + pretty(actual), e);
    }
    assertThat(actual)
        .as("stored layout vs golden/%s; actual:%n%s", golden, pretty(actual))
        .isEqualTo(expected);
  }
}
