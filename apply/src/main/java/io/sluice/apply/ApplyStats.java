package io.sluice.apply;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of one apply worker. Thread-safe. */
public final class ApplyStats {
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong lastSourceMicros = new AtomicLong();

  void applied(int changes, long newestSourceMicros) {
    events.addAndGet(changes);
    batches.incrementAndGet();
    lastSourceMicros.accumulateAndGet(newestSourceMicros, Math::max);
  }

  /** Changes consumed and committed to the target (before key reduction). */
  public long events() {
    return events.get();
  }

  public long batches() {
    return batches.get();
  }

  /** Source commit time (epoch microseconds) of the newest change committed to the target. */
  public long lastSourceMicros() {
    return lastSourceMicros.get();
  }
}
