package io.sluice.cli.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress lines of one running load, each indented under the contender's name: what the contender
 * says, and the rows it reports as copied, printed at most once per interval. Safe to use from
 * several threads.
 */
final class LoadProgress {
  private final PrintWriter out;
  private final String contender;
  private final long totalRows;
  private final long everyNanos;
  private final long startNanos = System.nanoTime();
  private final AtomicLong rows = new AtomicLong();
  private long nextNanos;

  LoadProgress(PrintWriter out, String contender, long totalRows, Duration every) {
    this.out = out;
    this.contender = contender;
    this.totalRows = totalRows;
    this.everyNanos = every.toNanos();
    this.nextNanos = startNanos + everyNanos;
  }

  /** Prints {@code <contender>: <text>}. */
  synchronized void say(String format, Object... args) {
    out.println("  " + contender + ": " + String.format(Locale.ROOT, format, args));
    out.flush();
  }

  /**
   * Adds rows copied (a negative delta corrects an earlier estimate) and prints how far the load
   * is, if a progress interval has passed since the last such line.
   */
  void rowsCopied(long delta) {
    long done = rows.addAndGet(delta);
    long now = System.nanoTime();
    synchronized (this) {
      if (now < nextNanos) {
        return;
      }
      nextNanos = now + everyNanos;
    }
    say(
        "%,d of %,d rows (%.0f%%), %,.0f rows/s so far",
        done, totalRows, 100.0 * done / totalRows, done / ((now - startNanos) / 1e9));
  }

  /** Seconds since this load's progress began. */
  double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
