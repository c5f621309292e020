package io.sluice.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checkpoint.ApplyCheckpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupBacklogTest {
  private static final Map<Integer, ApplyCheckpoint> CHECKPOINTS =
      Map.of(
          0, new ApplyCheckpoint("fills", 0, 40, 100),
          1, new ApplyCheckpoint("fills", 1, 90, 200));

  @Test
  void theBacklogIsTheEndOffsetPastTheCheckpointAndNeverBelowZero() {
    GroupBacklog b =
        GroupBacklog.of("fills", List.of(2, 0, 1), Map.of(0, 100L, 1, 90L, 2, 7L), CHECKPOINTS);

    assertThat(b.partitions())
        .extracting(GroupBacklog.Partition::partition, GroupBacklog.Partition::backlog)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, 60L),
            org.assertj.core.groups.Tuple.tuple(1, 0L),
            org.assertj.core.groups.Tuple.tuple(2, 7L));
    assertThat(b.caughtUp()).isFalse();
  }

  @Test
  void anUnknownEndOffsetIsAnUnknownBacklogAndNotCaughtUp() {
    GroupBacklog b = GroupBacklog.of("fills", List.of(0, 1), Map.of(1, 90L), CHECKPOINTS);

    assertThat(b.partition(0)).hasValueSatisfying(p -> assertThat(p.backlog()).isEqualTo(-1));
    assertThat(b.caughtUp()).isFalse();
  }

  @Test
  void caughtUpWhenEveryCheckpointReachedItsEndOffset() {
    GroupBacklog b =
        GroupBacklog.of("fills", List.of(0, 1, 2), Map.of(0, 40L, 1, 90L, 2, 0L), CHECKPOINTS);

    assertThat(b.caughtUp()).isTrue();
    assertThat(b.partition(3)).isEmpty();
  }
}
