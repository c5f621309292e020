package io.sluice.test.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.CheckpointConflictException;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.core.SluiceException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Apply checkpoints in DynamoDB Local: round trip, never backwards, versioned. */
class DynamoDbApplyCheckpointStoreIT {
  private final DynamoDbState state = new DynamoDbState();
  private final TestClock clock = new TestClock();
  private final DynamoDbApplyCheckpointStore store =
      new DynamoDbApplyCheckpointStore(state.client, state.tables, clock);

  @AfterEach
  void dropTables() {
    state.close();
  }

  /** Saves under a lease of the checkpoint's partition, taken (or kept) by one worker. */
  private void save(ApplyCheckpoint c) {
    store.save(c, state.lease(c.group(), c.partition(), "worker-1", clock));
  }

  @Test
  void checkpointsOfEveryPartitionOfAGroupLoadBackAsSaved() {
    Map<Integer, ApplyCheckpoint> saved = new HashMap<>();
    for (int p = 0; p < 24; p++) {
      ApplyCheckpoint c = new ApplyCheckpoint("fills", p, 1_000L * p + 7, 0x16B374D848L + p);
      save(c);
      saved.put(p, c);
    }
    save(new ApplyCheckpoint("reference", 0, 99, 5));

    assertThat(store.load("fills")).isEqualTo(saved);
    assertThat(store.load("reference"))
        .containsExactly(Map.entry(0, new ApplyCheckpoint("reference", 0, 99, 5)));
    assertThat(store.load("never-applied")).isEmpty();
  }

  @Test
  void aLaterSaveMovesTheCheckpointForward() {
    save(new ApplyCheckpoint("fills", 1, 100, 1_000));
    save(new ApplyCheckpoint("fills", 1, 250, 2_000));

    assertThat(store.load("fills")).containsEntry(1, new ApplyCheckpoint("fills", 1, 250, 2_000));
  }

  @Test
  void aSaveWithALowerOffsetIsRefusedAndTheStoredCheckpointStays() {
    save(new ApplyCheckpoint("fills", 2, 500, 9_000));

    assertThatThrownBy(() -> save(new ApplyCheckpoint("fills", 2, 499, 9_999)))
        .isInstanceOf(CheckpointConflictException.class)
        .hasMessageContaining("group fills partition 2")
        .hasMessageContaining("offset 499");
    assertThat(store.load("fills")).containsEntry(2, new ApplyCheckpoint("fills", 2, 500, 9_000));
  }

  @Test
  void aSaveWithTheSameOffsetIsAllowedSoARetriedCheckpointWriteSucceeds() {
    save(new ApplyCheckpoint("fills", 3, 500, 9_000));

    assertThatCode(() -> save(new ApplyCheckpoint("fills", 3, 500, 9_000)))
        .doesNotThrowAnyException();
    assertThat(store.load("fills")).containsEntry(3, new ApplyCheckpoint("fills", 3, 500, 9_000));
  }

  @Test
  void aCheckpointOfAnotherFormatVersionIsRefusedOnLoad() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("group", AttributeValue.fromS("fills"));
    item.put("partition", AttributeValue.fromN("4"));
    item.put("next_offset", AttributeValue.fromN("10"));
    item.put("format_version", AttributeValue.fromN("2"));
    state.client.putItem(b -> b.tableName(state.tables.applyCheckpoints()).item(item));

    assertThatThrownBy(() -> store.load("fills"))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("apply checkpoint of group fills partition 4")
        .hasMessageContaining("format version 2")
        .hasMessageContaining("reads version 1");
  }
}
