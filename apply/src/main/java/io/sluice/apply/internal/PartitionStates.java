package io.sluice.apply.internal;

import io.sluice.checkpoint.WorkerStatus.ActualState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where each partition of a worker stands: its state, how far it is applied (the newest source
 * commit time of a committed batch), and why its lease cannot be taken or was lost. Written by the
 * partitions' threads ({@link PartitionLeaseLoop} reports here), read by status, readiness and
 * metrics. Thread-safe.
 */
public final class PartitionStates implements PartitionLeaseLoop.Listener {
  private final Map<Integer, ActualState> states = new ConcurrentHashMap<>();
  private final Map<Integer, Long> appliedSourceMicros = new ConcurrentHashMap<>();
  private final Map<Integer, String> leaseProblems = new ConcurrentHashMap<>();
  private final AtomicLong leaseLosses = new AtomicLong();

  @Override
  public void state(int partition, ActualState state) {
    states.put(partition, state);
  }

  @Override
  public void leaseProblem(int partition, Optional<String> problem) {
    problem.ifPresentOrElse(
        p -> leaseProblems.put(partition, p), () -> leaseProblems.remove(partition));
  }

  @Override
  public void leaseLost(int partition) {
    leaseLosses.incrementAndGet();
    appliedSourceMicros.remove(partition);
  }

  /** The partition committed a batch applied up to this source commit time. */
  public void applied(int partition, long throughMicros) {
    appliedSourceMicros.merge(partition, throughMicros, Math::max);
  }

  /** Partitions this worker holds the lease of and runs or keeps paused, in order. */
  public List<Integer> owned() {
    return states.entrySet().stream()
        .filter(e -> e.getValue() == ActualState.RUNNING || e.getValue() == ActualState.PAUSED)
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** Whether every owned partition is paused (true when none is owned). */
  public boolean allOwnedPaused() {
    return owned().stream().allMatch(p -> states.get(p) == ActualState.PAUSED);
  }

  /** The newest source commit time each partition is applied up to, by partition. */
  public Map<Integer, Long> appliedSourceMicros() {
    return appliedSourceMicros;
  }

  /** Partitions that applied something since their lease was taken. */
  public Set<Integer> applied() {
    return appliedSourceMicros.keySet();
  }

  /**
   * Seconds since the source commit up to which an owned partition is applied, at {@code
   * nowMicros}; NaN for a partition not owned or not applied yet.
   */
  public double lagSeconds(int partition, long nowMicros) {
    ActualState state = states.get(partition);
    Long through = appliedSourceMicros.get(partition);
    if (through == null || (state != ActualState.RUNNING && state != ActualState.PAUSED)) {
      return Double.NaN;
    }
    return Math.max(0, nowMicros - through) / 1_000_000.0;
  }

  /** A lease problem of some partition, if any. */
  public Optional<String> leaseProblem() {
    return leaseProblems.values().stream().findFirst();
  }

  /** Times a lease was lost to another worker. */
  public long leaseLosses() {
    return leaseLosses.get();
  }
}
