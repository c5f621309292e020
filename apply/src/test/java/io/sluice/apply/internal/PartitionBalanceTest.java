package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionBalanceTest {
  @Test
  void aLoneWorkerTakesEveryPartition() {
    PartitionBalance b = new PartitionBalance(4);
    for (int p = 0; p < 4; p++) {
      assertThat(b.mayTake()).isTrue();
      b.held(p);
    }
    assertThat(b.fairShare()).isEqualTo(4);
    assertThat(b.shouldYield(3)).isFalse();
  }

  @Test
  void aSecondWorkerMakesTheFirstHandItsHighestPartitionsOverOneAtATime() {
    PartitionBalance b = new PartitionBalance(4);
    for (int p = 0; p < 4; p++) {
      b.held(p);
    }
    b.workersSeen(2);

    assertThat(b.fairShare()).isEqualTo(2);
    assertThat(b.mayTake()).isFalse();
    assertThat(b.shouldYield(3)).isTrue();
    assertThat(b.shouldYield(2)).as("one at a time: the highest first").isFalse();
    b.released(3);
    assertThat(b.shouldYield(2)).isTrue();
    b.released(2);
    assertThat(b.shouldYield(1)).as("at its share").isFalse();
    assertThat(b.mayTake()).isFalse();
  }

  @Test
  void theShareRoundsUpAndMoreWorkersThanPartitionsLeaveSomeStandingBy() {
    PartitionBalance b = new PartitionBalance(3);
    b.workersSeen(2);
    assertThat(b.fairShare()).isEqualTo(2);
    b.workersSeen(5);
    assertThat(b.fairShare()).isEqualTo(1);
    b.held(0);
    assertThat(b.mayTake()).isFalse();
    b.workersSeen(0);
    assertThat(b.fairShare()).as("never fewer than this worker").isEqualTo(3);
  }
}
