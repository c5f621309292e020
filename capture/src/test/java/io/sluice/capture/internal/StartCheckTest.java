package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
      Map.of("lsn", 123456L, "txId", 42L, "ts_usec", 1L);

  @Test
  void aFreshStartWithoutSlotOrOffsetIsAllowed() {
    assertThatCode(() -> StartCheck.verify(CONFIG, false, Optional.empty()))
        .doesNotThrowAnyException();
  }

  @Test
  void aResumeWithSlotAndStreamingOffsetIsAllowed() {
    assertThatCode(() -> StartCheck.verify(CONFIG, true, Optional.of(STREAMING_OFFSET)))
        .doesNotThrowAnyException();
  }

  @Test
  void aSlotWithoutOffsetIsRefusedSayingHowToStartOver() {
    assertThatThrownBy(() -> StartCheck.verify(CONFIG, true, Optional.empty()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("replication slot orders_slot exists")
        .hasMessageContaining("pipeline orders has no stored source offset")
        .satisfies(StartCheckTest::saysHowToStartOver);
  }

  @Test
  void anOffsetWithoutSlotIsRefusedSayingTheChangesAreLost() {
    assertThatThrownBy(() -> StartCheck.verify(CONFIG, false, Optional.of(STREAMING_OFFSET)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("pipeline orders has a stored source offset")
        .hasMessageContaining("replication slot orders_slot does not exist")
        .hasMessageContaining("lost")
        .satisfies(StartCheckTest::saysHowToStartOver);
  }

  @Test
  void anOffsetOfAnInterruptedSnapshotIsRefused() {
    Map<String, Object> snapshotting =
        Map.of("lsn", 123456L, "snapshot", true, "last_snapshot_record", false);
    assertThatThrownBy(() -> StartCheck.verify(CONFIG, true, Optional.of(snapshotting)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("initial snapshot of pipeline orders was interrupted")
        .hasMessageContaining("slot orders_slot")
        .satisfies(StartCheckTest::saysHowToStartOver);
  }

  private static void saysHowToStartOver(Throwable e) {
    assertThat(e.getMessage())
        .contains("SELECT pg_drop_replication_slot('orders_slot')")
        .contains("delete the item 'orders' from DynamoDB table prod-source-offsets")
        .contains("empty the target tables");
  }
}
