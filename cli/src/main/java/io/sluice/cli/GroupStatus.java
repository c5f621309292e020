package io.sluice.cli;

import io.sluice.apply.ApplyWorker;
import io.sluice.capture.CaptureStats;
import java.time.Duration;
import java.time.Instant;

/**
 * One group's progress as the status line shows it: changes captured and applied by this process,
 * and lag, the age of the newest applied change while applied trails captured (zero once caught
 * up).
 */
record GroupStatus(String group, long captured, long applied, Duration lag, String state) {
  static GroupStatus of(CaptureStats capture, ApplyWorker worker, Instant now) {
    String group = worker.group().name();
    long captured = capture.events(group);
    long applied = worker.stats().events();
    long capturedMicros = capture.lastSourceMicros(group);
    long appliedMicros = worker.stats().lastSourceMicros();
    Duration lag = Duration.ZERO;
    if (applied < captured && capturedMicros > 0) {
      long since = appliedMicros > 0 ? appliedMicros : capturedMicros;
      lag = Duration.ofNanos(Math.max(0, now.toEpochMilli() * 1_000 - since) * 1_000);
    }
    String state =
        worker.failure().isPresent()
            ? "FAILED"
            : !capture.streaming() ? "snapshot" : applied < captured ? "catching up" : "in step";
    return new GroupStatus(group, captured, applied, lag, state);
  }

  String line() {
    return String.format(
        "%-10s captured %,10d   applied %,10d   lag %6.1f s   %s",
        group, captured, applied, lag.toMillis() / 1000.0, state);
  }
}
