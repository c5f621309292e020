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

/** How capture starts under the copy load, for each state the slot, offsets and plan can be in. */
class StartCheckCopyTest {
  private static final PipelineConfig CONFIG =
      new ConfigLoader(Map.of())
          .parse(
              """
              pipeline: {name: orders}
              source: {host: src, database: trading, user: cap}
              target: {host: dst, database: reporting, user: app}
              kafka: {bootstrap-servers: "localhost:9092"}
              capture: {initial-load: copy}
              groups:
                - name: fills
                  tables: [fills]
              """,
              "pipeline.yaml");

  private static final Optional<Map<String, Object>> STREAMING =
      Optional.of(Map.of("lsn", 1234L, "txId", 7L));
  private static final Optional<Map<String, Object>> KAFKA_SNAPSHOT_UNDER_WAY =
      Optional.of(Map.of("snapshot", "INITIAL", "lsn", 1000L));
  private static final Optional<Boolean> UNFINISHED = Optional.of(false);
  private static final Optional<Boolean> FINISHED = Optional.of(true);

  private static Decision decide(
      boolean slot, Optional<Map<String, Object>> offset, Optional<Boolean> plan) {
    return StartCheck.decideCopy(CONFIG, slot, true, offset, plan, true);
  }

  @Test
  void aFirstStartLoads() {
    assertThat(decide(false, Optional.empty(), Optional.empty())).isEqualTo(Decision.LOAD);
  }

  @Test
  void anUnfinishedLoadResumesWithItsSlotAndStartsOverWithoutIt() {
    assertThat(decide(true, Optional.empty(), UNFINISHED)).isEqualTo(Decision.RESUME_LOAD);
    assertThat(decide(true, STREAMING, UNFINISHED)).isEqualTo(Decision.RESUME_LOAD);
    assertThat(decide(false, STREAMING, UNFINISHED)).isEqualTo(Decision.LOAD);
    assertThat(decide(false, Optional.empty(), UNFINISHED)).isEqualTo(Decision.LOAD);
  }

  @Test
  void anUnfinishedLoadWithATableWithoutAKeyLeftStartsOver() {
    assertThat(StartCheck.decideCopy(CONFIG, true, true, STREAMING, UNFINISHED, false))
        .isEqualTo(Decision.LOAD);
  }

  @Test
  void aFinishedLoadOrAStreamingOffsetResumesStreaming() {
    assertThat(decide(true, Optional.empty(), FINISHED)).isEqualTo(Decision.RESUME);
    assertThat(decide(true, STREAMING, FINISHED)).isEqualTo(Decision.RESUME);
    assertThat(decide(true, STREAMING, Optional.empty())).isEqualTo(Decision.RESUME);
  }

  @Test
  void theSlotOfAnUnfinishedKafkaSnapshotIsReplacedByALoad() {
    assertThat(decide(true, KAFKA_SNAPSHOT_UNDER_WAY, Optional.empty())).isEqualTo(Decision.LOAD);
  }

  @Test
  void aStreamWhoseSlotIsGoneAndASlotWithoutHistoryAreRefused() {
    assertThatThrownBy(() -> decide(false, STREAMING, FINISHED))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> decide(false, STREAMING, Optional.empty()))
        .isInstanceOf(SluiceException.class);
    assertThatThrownBy(() -> decide(false, Optional.empty(), FINISHED))
        .as("a finished load streams, even before an offset was stored")
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> decide(true, Optional.empty(), Optional.empty()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("neither a stored source offset nor an initial load");
    assertThatThrownBy(() -> StartCheck.decideCopy(CONFIG, true, false, STREAMING, FINISHED, true))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("publication");
  }
}
