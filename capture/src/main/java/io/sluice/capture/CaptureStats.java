package io.sluice.capture;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Live counters of a capture service, per table group. Thread-safe. */
public final class CaptureStats {
  private final Map<String, AtomicLong> events = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSourceMicros = new ConcurrentHashMap<>();
  private volatile boolean streaming;
  private final AtomicLong observedThroughMicros = new AtomicLong();

  void streamingStarted() {
    streaming = true;
  }

  /** True once capture has passed a change streamed from the slot (the snapshot is complete). */
  public boolean streaming() {
    return streaming;
  }

  void recorded(String group, long sourceTsMicros) {
    events.computeIfAbsent(group, g -> new AtomicLong()).incrementAndGet();
    lastSourceMicros
        .computeIfAbsent(group, g -> new AtomicLong())
        .accumulateAndGet(sourceTsMicros, Math::max);
  }

  void observed(long sourceTsMicros) {
    observedThroughMicros.accumulateAndGet(sourceTsMicros, Math::max);
  }

  /**
   * Source commit time (epoch microseconds) up to which capture has handed everything to Kafka, as
   * of the newest change or heartbeat sent; 0 before the first.
   */
  public long observedThroughMicros() {
    long through = observedThroughMicros.get();
    for (AtomicLong g : lastSourceMicros.values()) {
      through = Math.max(through, g.get());
    }
    return through;
  }

  /** Changes of a group acknowledged by Kafka since this process started. */
  public long events(String group) {
    AtomicLong n = events.get(group);
    return n == null ? 0 : n.get();
  }

  /** Source commit time (epoch microseconds) of the newest change of a group sent to Kafka. */
  public long lastSourceMicros(String group) {
    AtomicLong n = lastSourceMicros.get(group);
    return n == null ? 0 : n.get();
  }
}
