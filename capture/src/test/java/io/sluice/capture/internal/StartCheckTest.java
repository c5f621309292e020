package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.capture.internal.StartCheck.Decision;
import io.sluice.core.SluiceException;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartCheckTest {
  private static final PipelineConfig CONFIG =
      new ConfigLoader(Map.of())
          .parse(
              """
              pipeline: {name: orders}
              source: {host: src, database: trading, user: cap, slot: orders_slot}
              target: {host: dst, database: reporting, user: app}
              kafka: {bootstrap-servers: "localhost:9092"}
              dynamodb: {table-prefix: prod-}
              groups:
                - name: fills
                  tables: [fills]
              """,
              "test");

  private static final Map<String, Object> STREAMING_OFFSET =
      Map.of("lsn", 123456L, "txId", 42L, "ts_usec", 1L, "lsn_commit", 123400L);

  /** What Debezium 3.6.3 stores while its initial snapshot runs (read from a real run). */
  private static final Map<String, Object> SNAPSHOTTING_OFFSET =
      Map.of(
          "lsn",
          24_000_000L,
          "txId",
          750L,
          "ts_usec",
          1_765_000_000_000_000L,
          "snapshot",
          "INITIAL",
          "last_snapshot_record",
          false,
          "snapshot_completed",
          false);

  @Test
  void aFreshStartWithoutSlotOrOffsetTakesASnapshot() {
    assertThat(StartCheck.decide(CONFIG, false, false, false, Optional.empty()))
        .isEqualTo(Decision.SNAPSHOT);
  }

  @Test
  void aStreamingOffsetWithItsSlotResumes() {
    assertThat(StartCheck.decide(CONFIG, true, true, true, Optional.of(STREAMING_OFFSET)))
        .isEqualTo(Decision.RESUME);
  }

  @Test
  void anInterruptedSnapshotIsTakenAnewWhateverTheSlot() {
    for (boolean slot : new boolean[] {true, false}) {
      assertThat(StartCheck.decide(CONFIG, slot, true, true, Optional.of(SNAPSHOTTING_OFFSET)))
          .isEqualTo(Decision.RESNAPSHOT);
      // stopped before Debezium stored its first offset: only the marker written before it
      assertThat(StartCheck.decide(CONFIG, slot, true, true, Optional.empty()))
          .isEqualTo(Decision.RESNAPSHOT);
    }
    // the older form of the same offset
    assertThat(
            StartCheck.decide(
                CONFIG, true, true, true, Optional.of(Map.of("lsn", 1L, "snapshot", true))))
        .isEqualTo(Decision.RESNAPSHOT);
  }

  @Test
  void aSnapshotOffsetAtItsLastRecordOrCompletedResumes() {
    Map<String, Object> last = new java.util.HashMap<>(SNAPSHOTTING_OFFSET);
    last.put("last_snapshot_record", true);
    assertThat(StartCheck.decide(CONFIG, true, true, true, Optional.of(last)))
        .isEqualTo(Decision.RESUME);
    Map<String, Object> completed = new java.util.HashMap<>(SNAPSHOTTING_OFFSET);
    completed.put("snapshot_completed", true);
    assertThat(StartCheck.decide(CONFIG, true, true, true, Optional.of(completed)))
        .isEqualTo(Decision.RESUME);
  }

  @Test
  void aSlotWithoutAnyStoredItemIsRefusedSayingHowToStartOver() {
    assertThatThrownBy(() -> StartCheck.decide(CONFIG, true, true, false, Optional.empty()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("replication slot orders_slot exists")
        .hasMessageContaining("pipeline orders has no stored source offset")
        .satisfies(StartCheckTest::saysHowToStartOver);
  }

  @Test
  void anOffsetWithoutSlotIsRefusedSayingTheChangesAreLost() {
    assertThatThrownBy(
            () -> StartCheck.decide(CONFIG, false, true, true, Optional.of(STREAMING_OFFSET)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("pipeline orders has a stored source offset")
        .hasMessageContaining("replication slot orders_slot does not exist")
        .hasMessageContaining("lost")
        .satisfies(StartCheckTest::saysHowToStartOver);
  }

  @Test
  void aDroppedPublicationIsRefusedNotRecreatedOverTheGap() {
    assertThatThrownBy(
            () -> StartCheck.decide(CONFIG, true, false, true, Optional.of(STREAMING_OFFSET)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("publication sluice_orders of pipeline orders does not exist")
        .satisfies(StartCheckTest::saysHowToStartOver);
  }

  private static void saysHowToStartOver(Throwable e) {
    assertThat(e.getMessage())
        .contains("SELECT pg_drop_replication_slot('orders_slot')")
        .contains("delete the item 'orders' from DynamoDB table prod-source-offsets")
        .contains("copies every table anew");
  }
}
