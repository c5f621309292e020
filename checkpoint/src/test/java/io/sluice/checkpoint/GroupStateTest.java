package io.sluice.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checkpoint.WorkerStatus.ActualState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupStateTest {
  private static final GroupControl RUNNING = GroupControl.initial("fills");
  private static final GroupControl PAUSED =
      new GroupControl(
          "fills",
          DesiredState.PAUSED,
          "maintenance",
          "ops",
          Instant.parse("2026-12-07T10:00:00Z"),
          1);

  @Test
  void theWorstWorkerStateWinsThenWhetherAnyApplies() {
    assertThat(GroupState.of(RUNNING, List.of())).isEqualTo(GroupState.UNKNOWN);
    assertThat(GroupState.of(RUNNING, List.of(ActualState.RUNNING, ActualState.HALTED)))
        .isEqualTo(GroupState.HALTED);
    assertThat(GroupState.of(RUNNING, List.of(ActualState.RETRYING, ActualState.RUNNING)))
        .isEqualTo(GroupState.RETRYING);
    assertThat(GroupState.of(RUNNING, List.of(ActualState.STANDBY, ActualState.RUNNING)))
        .isEqualTo(GroupState.RUNNING);
    assertThat(GroupState.of(RUNNING, List.of(ActualState.STANDBY))).isEqualTo(GroupState.STANDBY);
  }

  @Test
  void aPausedGroupWithAWorkerStillApplyingIsPausing() {
    assertThat(GroupState.of(PAUSED, List.of(ActualState.PAUSED, ActualState.RUNNING)))
        .isEqualTo(GroupState.PAUSING);
    assertThat(GroupState.of(PAUSED, List.of(ActualState.PAUSED, ActualState.STANDBY)))
        .isEqualTo(GroupState.PAUSED);
  }
}
