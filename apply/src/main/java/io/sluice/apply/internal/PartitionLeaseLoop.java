package io.sluice.apply.internal;

import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.GroupControl;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.checkpoint.LeaseStore;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One partition of a group in one worker: wait for the group's topic, take the partition's lease,
 * apply it while the group runs, stand still at a batch boundary (lease kept and renewed) while the
 * group is paused, and stop touching it once the lease is lost, until it is taken again.
 *
 * <p>Before each poll the applier asks {@link #beforePoll}: it renews the lease when due and says
 * whether to poll again; between the attempts of a retried write it asks {@link #whileRetrying},
 * which renews too but ignores a pause (a batch in flight is finished first).
 *
 * <p>What it finds it reports to a {@link Listener}: the partition's state, a lease that could not
 * be read or taken (DynamoDB away), a lease lost. Runs on the partition's thread; not thread-safe.
 */
public final class PartitionLeaseLoop {
  private static final Logger log = LoggerFactory.getLogger(PartitionLeaseLoop.class);

  /** Applies the partition under its lease, from its checkpoint. */
  @FunctionalInterface
  public interface Applier {
    /**
     * Applies batches while {@code beforePoll} allows, retrying failed writes while {@code
     * whileRetrying} allows.
     *
     * @throws LeaseLostException when a checkpoint write is refused because the lease was lost
     */
    void run(BooleanSupplier beforePoll, BooleanSupplier whileRetrying, Supplier<Lease> lease)
        throws InterruptedException;
  }

  /** Told what the loop finds. */
  public interface Listener {
    void state(int partition, ActualState state);

    /** Why the partition's lease cannot be taken or was lost; empty once that is over. */
    void leaseProblem(int partition, Optional<String> problem);

    /** The lease was lost to another worker (or ran out): nothing of the partition is held. */
    void leaseLost(int partition);
  }

  /** Waits before trying again (a lease held elsewhere, a pause, a topic not there yet). */
  @FunctionalInterface
  public interface Pause {
    void await() throws InterruptedException;
  }

  private final String group;
  private final int partition;
  private final String workerId;
  private final LeaseStore leases;
  private final Supplier<GroupControl> desired;
  private final BooleanSupplier topicExists;
  private final BooleanSupplier running;
  private final Pause pause;
  private final Listener listener;
  private final PartitionBalance balance;
  private Lease lease;

  /** Set by {@link #beforePoll} when this worker holds more than its share: hand over. */
  private boolean yielding;

  /**
   * @param desired the group's desired state as last read
   * @param topicExists whether the group's topic exists yet (capture creates it)
   * @param running false once the worker stops: the loop ends at the next batch boundary
   */
  public PartitionLeaseLoop(
      String group,
      int partition,
      String workerId,
      LeaseStore leases,
      Supplier<GroupControl> desired,
      BooleanSupplier topicExists,
      BooleanSupplier running,
      Pause pause,
      Listener listener,
      PartitionBalance balance) {
    this.group = group;
    this.partition = partition;
    this.workerId = workerId;
    this.leases = leases;
    this.desired = desired;
    this.topicExists = topicExists;
    this.running = running;
    this.pause = pause;
    this.listener = listener;
    this.balance = balance;
  }

  /**
   * Runs until the worker stops, then gives the lease up.
   *
   * @throws InterruptedException when stopped while waiting
   */
  public void run(Applier applier) throws InterruptedException {
    try {
      while (running.getAsBoolean()) {
        if (!topicExists.getAsBoolean() || (lease == null && !acquire())) {
          listener.state(partition, ActualState.STANDBY);
          pause.await();
          continue;
        }
        try {
          if (desired.get().paused()) {
            listener.state(partition, ActualState.PAUSED);
            renewIfDue();
            pause.await();
            continue;
          }
          listener.state(partition, ActualState.RUNNING);
          applier.run(this::beforePoll, this::whileRetrying, () -> lease);
          if (yielding) {
            // between batches, the last one's checkpoint written: the next owner starts there
            yielding = false;
            log.info(
                "worker {} hands partition {} of group {} over: it holds more than its share ({})",
                workerId,
                partition,
                group,
                balance.fairShare());
            release();
            listener.state(partition, ActualState.STANDBY);
          }
        } catch (LeaseLostException lost) {
          lost(lost);
        }
      }
    } finally {
      release();
    }
  }

  /** The lease held now, if any. */
  public Optional<Lease> lease() {
    return Optional.ofNullable(lease);
  }

  /**
   * Renews the lease when due; whether to poll again: the worker runs and the group is not paused.
   */
  boolean beforePoll() {
    if (!running.getAsBoolean() || desired.get().paused()) {
      return false;
    }
    renewIfDue();
    if (balance.shouldYield(partition)) {
      yielding = true;
      return false;
    }
    return true;
  }

  /** Renews the lease when due; whether to keep retrying a write: the worker runs. */
  boolean whileRetrying() {
    if (!running.getAsBoolean()) {
      return false;
    }
    renewIfDue();
    return true;
  }

  private boolean acquire() {
    if (!balance.mayTake()) {
      return false; // this worker holds its share; the others take the rest
    }
    Optional<Lease> acquired;
    try {
      acquired = leases.tryAcquire(group, partition, workerId);
      listener.leaseProblem(partition, Optional.empty());
    } catch (SdkException e) {
      log.warn("could not take the lease of partition {}: {}", partition, e.getMessage());
      listener.leaseProblem(
          partition,
          Optional.of(
              "cannot take the lease of partition "
                  + partition
                  + " (DynamoDB): "
                  + ErrorClassifier.describe(e)));
      return false;
    }
    if (acquired.isEmpty()) {
      return false;
    }
    lease = acquired.get();
    balance.held(partition);
    MDC.put("lease_epoch", Long.toString(lease.epoch()));
    log.info(
        "worker {} owns partition {} of group {} (lease epoch {})",
        workerId,
        partition,
        group,
        lease.epoch());
    return true;
  }

  private void renewIfDue() {
    lease = leases.renewIfDue(lease);
  }

  private void lost(LeaseLostException lost) {
    log.warn(
        "worker {} lost partition {} of group {}; it stops touching it: {}",
        workerId,
        partition,
        group,
        lost.getMessage());
    lease = null;
    balance.released(partition);
    MDC.remove("lease_epoch");
    listener.leaseLost(partition);
    // not ready until the lease is taken again or another worker is seen to hold it
    listener.leaseProblem(
        partition,
        Optional.of("lost the lease of partition " + partition + ": " + lost.getMessage()));
  }

  private void release() {
    if (lease == null) {
      return;
    }
    try {
      leases.release(lease);
    } catch (RuntimeException e) {
      // it expires on its own
      log.warn("could not release the lease of partition {}: {}", partition, e.toString());
    }
    lease = null;
    balance.released(partition);
  }
}
