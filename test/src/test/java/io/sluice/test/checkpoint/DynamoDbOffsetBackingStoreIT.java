package io.sluice.test.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.checkpoint.DynamoDbLeaseStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.core.SluiceException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Debezium's source offsets in DynamoDB Local, through the Kafka Connect store interface. */
class DynamoDbOffsetBackingStoreIT {
  static final String PIPELINE = "orders";
  static final String PARTITION_KEY = "[\"sluice-orders\",{\"server\":\"orders\"}]";
  static final String OFFSET = "{\"lsn\":97500059720,\"txId\":555,\"ts_usec\":1700000000000000}";

  private final DynamoDbState state = new DynamoDbState();
  private final List<DynamoDbOffsetBackingStore> started = new ArrayList<>();

  @AfterEach
  void stopStoresAndDropTables() {
    started.forEach(DynamoDbOffsetBackingStore::stop);
    state.close();
  }

  @Test
  void offsetsSetByOneStoreAreWhatTheNextStoreStartsWith() throws Exception {
    DynamoDbOffsetBackingStore first = start();
    first.set(Map.of(bytes(PARTITION_KEY), bytes(OFFSET)), null).get(10, TimeUnit.SECONDS);
    first.stop();
    started.remove(first);

    DynamoDbOffsetBackingStore second = start();
    Map<ByteBuffer, ByteBuffer> read =
        second.get(List.of(bytes(PARTITION_KEY))).get(10, TimeUnit.SECONDS);

    assertThat(read).containsOnlyKeys(bytes(PARTITION_KEY));
    assertThat(text(read.get(bytes(PARTITION_KEY)))).isEqualTo(OFFSET);
    assertThat(second.connectorPartitions("sluice-orders"))
        .containsExactly(Map.of("server", "orders"));
    assertThat(second.connectorPartitions("another-connector")).isEmpty();
  }

  @Test
  void aSetCompletesOnlyOnceTheOffsetIsInDynamoDb() throws Exception {
    DynamoDbOffsetBackingStore store = start();
    List<Throwable> callbackErrors = new ArrayList<>();
    store
        .set(
            Map.of(bytes(PARTITION_KEY), bytes(OFFSET)),
            (error, ignored) -> callbackErrors.add(error))
        .get(10, TimeUnit.SECONDS);

    assertThat(callbackErrors).containsExactly((Throwable) null);
    assertThat(
            DynamoDbOffsetBackingStore.storedOffset(state.client, state.tables, PIPELINE)
                .orElseThrow())
        .containsEntry("lsn", 97_500_059_720L)
        .containsEntry("txId", 555)
        .containsEntry("ts_usec", 1_700_000_000_000_000L);
  }

  @Test
  void underACaptureLeaseOffsetsAreStoredOnlyWhileItIsHeld() throws Exception {
    Clock clock = Clock.systemUTC();
    Lease leader = state.lease(":capture", 0, "capture-a", clock);
    DynamoDbOffsetBackingStore store =
        state.startOffsetStore(PIPELINE, DynamoDbOffsetBackingStore.fencedBy(state.tables, leader));
    started.add(store);
    store.set(Map.of(bytes(PARTITION_KEY), bytes(OFFSET)), null).get(10, TimeUnit.SECONDS);

    // another process takes capture over: the former leader's writes are refused
    new DynamoDbLeaseStore(state.client, state.tables, clock, Duration.ofSeconds(10))
        .release(leader);
    state.lease(":capture", 0, "capture-b", clock);
    String later = OFFSET.replace("97500059720", "97500099999");
    assertThatThrownBy(
            () ->
                store
                    .set(Map.of(bytes(PARTITION_KEY), bytes(later)), null)
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(LeaseLostException.class)
        .hasMessageContaining("capture lease of epoch 1");
    assertThat(
            DynamoDbOffsetBackingStore.storedOffset(state.client, state.tables, PIPELINE)
                .orElseThrow())
        .containsEntry("lsn", 97_500_059_720L);
  }

  @Test
  void noStoredOffsetDecodesAsEmpty() {
    assertThat(DynamoDbOffsetBackingStore.storedOffset(state.client, state.tables, PIPELINE))
        .isEmpty();
  }

  @Test
  void offsetsOfAnotherFormatVersionAreRefusedByStoreAndStartCheckAlike() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pipeline", AttributeValue.fromS(PIPELINE));
    item.put("format_version", AttributeValue.fromN("2"));
    item.put("offsets_v2", AttributeValue.fromS("a layout this build does not know"));
    state.client.putItem(b -> b.tableName(state.tables.sourceOffsets()).item(item));

    assertThatThrownBy(this::start)
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("source offsets of pipeline orders")
        .hasMessageContaining(state.tables.sourceOffsets())
        .hasMessageContaining("format version 2")
        .hasMessageContaining("reads version 1");
    // Read as "no offset", the item would make StartCheck advise dropping the slot.
    assertThatThrownBy(
            () -> DynamoDbOffsetBackingStore.storedOffset(state.client, state.tables, PIPELINE))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("format version 2");
  }

  private DynamoDbOffsetBackingStore start() {
    DynamoDbOffsetBackingStore store = state.startOffsetStore(PIPELINE);
    started.add(store);
    return store;
  }

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return new String(out, StandardCharsets.UTF_8);
  }
}
