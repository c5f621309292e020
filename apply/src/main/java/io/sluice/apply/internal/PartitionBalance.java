package io.sluice.apply.internal;

import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * How many of its group's partitions one worker should hold: its fair share, the partitions divided
 * among the live workers of the group, rounded up. A worker holding fewer takes free partitions;
 * one holding more hands its highest-numbered partition over at a batch boundary, one at a time,
 * until it holds its share. Workers started to scale a group out so receive partitions without any
 * worker stopping; a worker that dies leaves its partitions to the others when its leases expire,
 * as before.
 *
 * <p>Thread-safe: each partition's loop asks on its own thread.
 */
public final class PartitionBalance {
  private final int partitions;
  private final ConcurrentSkipListSet<Integer> held = new ConcurrentSkipListSet<>();
  private volatile int liveWorkers = 1;

  public PartitionBalance(int partitions) {
    this.partitions = partitions;
  }

  /** The live workers of the group, this one included, as last read. */
  public void workersSeen(int live) {
    liveWorkers = Math.max(1, live);
  }

  /** The most partitions this worker should hold now. */
  public int fairShare() {
    int live = liveWorkers;
    return (partitions + live - 1) / live;
  }

  /** Whether this worker may take one more partition. */
  boolean mayTake() {
    return held.size() < fairShare();
  }

  /** Whether this worker should hand {@code partition} over now: it holds more than its share. */
  boolean shouldYield(int partition) {
    Optional<Integer> highest = Optional.ofNullable(held.isEmpty() ? null : held.last());
    return held.size() > fairShare() && highest.isPresent() && highest.get() == partition;
  }

  void held(int partition) {
    held.add(partition);
  }

  void released(int partition) {
    held.remove(partition);
  }

  /** The partitions this worker holds now. */
  public int holding() {
    return held.size();
  }
}
