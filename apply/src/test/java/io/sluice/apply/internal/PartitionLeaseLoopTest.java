package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checkpoint.DesiredState;
import io.sluice.checkpoint.GroupControl;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lease and pause rules of one partition, on a clock the test moves and leases kept in memory:
 * what happens when the lease is lost mid-batch, when the group is paused, and when DynamoDB is
 * away as the partition tries to take its lease.
 */
class PartitionLeaseLoopTest {
  private static final String GROUP = "fills";
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final MovableClock clock = new MovableClock();
  private final InMemoryLeaseStore leases = new InMemoryLeaseStore(clock, TIMEOUT);
  private final Reports reports = new Reports();
  private volatile boolean running = true;
  private volatile GroupControl desired = GroupControl.initial(GROUP);

  @Test
  void aLeaseLostMidBatchIsLeftAloneUntilTakenAgainWithAHigherEpoch() throws Exception {
    List<Long> epochs = new ArrayList<>();
    int[] waits = {0};
    PartitionLeaseLoop loop =
        loop(
            () -> {
              if (++waits[0] == 2) {
                leases.release(leases.held(GROUP, 0).orElseThrow()); // the other worker stops
              }
            });

    loop.run(
        (beforePoll, whileRetrying, lease) -> {
          epochs.add(lease.get().epoch());
          assertThat(beforePoll.getAsBoolean()).isTrue();
          if (epochs.size() == 1) {
            // another worker takes the partition over while this one writes a batch: its
            // checkpoint is refused
            clock.advance(TIMEOUT.plusSeconds(1));
            leases.tryAcquire(GROUP, 0, "other-worker");
            throw new LeaseLostException("partition 0 changed hands");
          }
          running = false;
        });

    assertThat(epochs).containsExactly(1L, 3L);
    assertThat(reports.losses).isEqualTo(1);
    assertThat(reports.states)
        .containsSubsequence(ActualState.RUNNING, ActualState.STANDBY, ActualState.RUNNING);
    assertThat(reports.problems)
        .containsSubsequence(
            Optional.of("lost the lease of partition 0: partition 0 changed hands"),
            Optional.empty());
    assertThat(leases.held(GROUP, 0).orElseThrow().heldAt(clock.instant()))
        .as("released as the loop ends")
        .isFalse();
  }

  @Test
  void aPauseStopsAtTheBatchBoundaryAndKeepsTheLeaseRenewed() throws Exception {
    int[] batches = {0};
    int[] waits = {0};
    PartitionLeaseLoop loop =
        loop(
            () -> {
              clock.advance(TIMEOUT.dividedBy(2));
              if (++waits[0] == 4) {
                desired = GroupControl.initial(GROUP); // resumed
              }
            });

    loop.run(
        (beforePoll, whileRetrying, lease) -> {
          while (beforePoll.getAsBoolean()) {
            batches[0]++;
            if (batches[0] == 2) {
              desired =
                  new GroupControl(
                      GROUP, DesiredState.PAUSED, "maintenance", "ops", clock.instant(), 1);
            }
            if (batches[0] == 3) {
              running = false;
            }
          }
        });

    assertThat(batches[0]).as("no batch while paused; one after the resume").isEqualTo(3);
    assertThat(reports.states)
        .containsSubsequence(ActualState.RUNNING, ActualState.PAUSED, ActualState.RUNNING);
    assertThat(reports.losses).isZero();
    Lease held = leases.held(GROUP, 0).orElseThrow();
    assertThat(held.epoch()).as("kept through two lease timeouts of pause").isEqualTo(1);
  }

  @Test
  void dynamoDbAwayAtAcquireLeavesThePartitionOnStandbySayingWhy() throws Exception {
    leases.down = true;
    List<Optional<String>> problemsWhileDown = new ArrayList<>();
    int[] applied = {0};
    PartitionLeaseLoop loop =
        loop(
            () -> {
              problemsWhileDown.add(reports.problems.get(reports.problems.size() - 1));
              leases.down = false;
            });

    loop.run(
        (beforePoll, whileRetrying, lease) -> {
          applied[0]++;
          running = false;
        });

    assertThat(problemsWhileDown).hasSize(1);
    assertThat(problemsWhileDown.get(0))
        .hasValueSatisfying(
            p ->
                assertThat(p)
                    .startsWith("cannot take the lease of partition 0 (DynamoDB): ")
                    .contains("Connection refused"));
    assertThat(reports.states).startsWith(ActualState.STANDBY, ActualState.RUNNING);
    assertThat(reports.problems).last().isEqualTo(Optional.empty());
    assertThat(applied[0]).isEqualTo(1);
  }

  private PartitionLeaseLoop loop(PartitionLeaseLoop.Pause pause) {
    return new PartitionLeaseLoop(
        GROUP,
        0,
        "this-worker",
        leases,
        () -> desired,
        () -> true,
        () -> running,
        pause,
        reports,
        new PartitionBalance(1));
  }

  /** What the loop reported, in order. */
  private static final class Reports implements PartitionLeaseLoop.Listener {
    final List<ActualState> states = new ArrayList<>();
    final List<Optional<String>> problems = new ArrayList<>();
    int losses;

    @Override
    public void state(int partition, ActualState state) {
      if (states.isEmpty() || states.get(states.size() - 1) != state) {
        states.add(state);
      }
    }

    @Override
    public void leaseProblem(int partition, Optional<String> problem) {
      problems.add(problem);
    }

    @Override
    public void leaseLost(int partition) {
      losses++;
    }
  }
}
