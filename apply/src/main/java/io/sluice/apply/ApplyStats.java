package io.sluice.apply;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one apply worker. Thread-safe. */
public final class ApplyStats {
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong lastSourceMicros = new AtomicLong();

  void applied(int changes, int consumed, long newestSourceMicros) {
    events.addAndGet(changes);
    records.addAndGet(consumed);
    batches.incrementAndGet();
    lastSourceMicros.accumulateAndGet(newestSourceMicros, Math::max);
  }

  /**
   * Changes consumed and committed to the target (before key reduction), heartbeats not counted.
   */
  public long events() {
    return events.get();
  }

  /** Records consumed and committed, heartbeats included: what the checkpoints' offsets count. */
  public long records() {
    return records.get();
  }

  public long batches() {
    return batches.get();
  }

  /** Source commit time (epoch microseconds) of the newest change committed to the target. */
  public long lastSourceMicros() {
    return lastSourceMicros.get();
  }
}
