package io.sluice.test.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.AuditRecord;
import io.sluice.checkpoint.DesiredState;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbGroupControlStore;
import io.sluice.checkpoint.DynamoDbLeaseStore;
import io.sluice.checkpoint.GroupControl;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leases, fenced checkpoints and group control state in DynamoDB Local, on a clock the test moves.
 */
class LeaseIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final DynamoDbState state = new DynamoDbState();
  private final TestClock clock = new TestClock();
  private final DynamoDbLeaseStore leases =
      new DynamoDbLeaseStore(state.client, state.tables, clock, TIMEOUT);
  private final DynamoDbApplyCheckpointStore checkpoints =
      new DynamoDbApplyCheckpointStore(state.client, state.tables, clock);

  @AfterEach
  void dropTables() {
    state.close();
  }

  @Test
  void aPartitionHasOneOwnerUntilItsLeaseExpiresAndThenTheFormerOwnerCannotWrite() {
    Lease a = leases.tryAcquire("fills", 0, "worker-a").orElseThrow();
    assertThat(a.epoch()).isEqualTo(1);
    assertThat(leases.tryAcquire("fills", 0, "worker-b")).as("held by worker-a").isEmpty();
    checkpoints.save(new ApplyCheckpoint("fills", 0, 10, 100), a);

    // worker-a renews in time and keeps the partition
    clock.advance(Duration.ofSeconds(10));
    a = leases.renew(a);
    clock.advance(Duration.ofSeconds(10));
    assertThat(leases.tryAcquire("fills", 0, "worker-b")).isEmpty();

    // worker-a freezes past its lease: worker-b takes over with a new epoch
    clock.advance(TIMEOUT);
    Lease b = leases.tryAcquire("fills", 0, "worker-b").orElseThrow();
    assertThat(b.epoch()).isEqualTo(2);
    Lease frozen = a;
    assertThatThrownBy(() -> leases.renew(frozen)).isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> checkpoints.save(new ApplyCheckpoint("fills", 0, 20, 200), frozen))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("group fills partition 0")
        .hasMessageContaining("epoch 1");
    checkpoints.save(new ApplyCheckpoint("fills", 0, 30, 300), b);

    assertThat(checkpoints.load("fills"))
        .containsEntry(0, new ApplyCheckpoint("fills", 0, 30, 300));
    assertThat(leases.list("fills")).extracting(Lease::owner).containsExactly("worker-b");
  }

  @Test
  void aReleasedLeaseIsFreeAtOnceAndAnOwnersOwnLeaseComesBackWithItsEpoch() {
    Lease a = leases.tryAcquire("fills", 1, "worker-a").orElseThrow();
    assertThat(leases.tryAcquire("fills", 1, "worker-a").orElseThrow().epoch())
        .as("a worker restarting under the same identity keeps its epoch")
        .isEqualTo(a.epoch());

    leases.release(a);
    Lease b = leases.tryAcquire("fills", 1, "worker-b").orElseThrow();

    assertThat(b.epoch()).isEqualTo(a.epoch() + 1);
    assertThatThrownBy(() -> checkpoints.save(new ApplyCheckpoint("fills", 1, 5, 5), a))
        .isInstanceOf(LeaseLostException.class);
  }

  @Test
  void aCheckpointUnderAnExpiredLeaseIsRefusedEvenBeforeAnyoneTakesOver() {
    Lease a = leases.tryAcquire("fills", 2, "worker-a").orElseThrow();
    clock.advance(TIMEOUT.plusMillis(1));

    assertThatThrownBy(() -> checkpoints.save(new ApplyCheckpoint("fills", 2, 5, 5), a))
        .isInstanceOf(LeaseLostException.class);
    assertThat(checkpoints.load("fills")).doesNotContainKey(2);
  }

  @Test
  void pauseAndResumeAreIdempotentAndEachChangeIsAudited() {
    DynamoDbGroupControlStore control =
        new DynamoDbGroupControlStore(state.client, state.tables, clock);
    assertThat(control.get("fills")).isEqualTo(GroupControl.initial("fills"));

    assertThat(control.set("fills", DesiredState.PAUSED, "target maintenance", "alice")).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(control.set("fills", DesiredState.PAUSED, "again", "bob")).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(control.set("fills", DesiredState.RUNNING, "", "carol")).isTrue();

    GroupControl now = control.get("fills");
    assertThat(now.desired()).isEqualTo(DesiredState.RUNNING);
    assertThat(now.by()).isEqualTo("carol");
    assertThat(now.version()).isEqualTo(2);
    List<AuditRecord> audit = control.audit("fills", 10);
    assertThat(audit)
        .extracting(AuditRecord::to, AuditRecord::by, AuditRecord::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DesiredState.RUNNING, "carol", ""),
            org.assertj.core.groups.Tuple.tuple(
                DesiredState.PAUSED, "alice", "target maintenance"));
    assertThat(audit.get(1).at()).isEqualTo(clock.instant().minusSeconds(2));
  }
}
