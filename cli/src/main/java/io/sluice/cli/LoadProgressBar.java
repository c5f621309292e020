package io.sluice.cli;

import io.sluice.capture.load.LoadListener;
import io.sluice.checkpoint.LoadChunk;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The copy load's progress in a terminal: at most once a {@code every}, a bar for the whole load
 * and one for each table being copied, with rows, rows per second and the time left at that rate.
 * Tables are sized by the planner's estimates, so a bar may end below or above 100%.
 */
public final class LoadProgressBar implements LoadListener {
  private static final int WIDTH = 20;

  private final String title;
  private final PrintWriter out;
  private final Clock clock;
  private final Duration every;
  private final Map<String, long[]> tables = new LinkedHashMap<>(); // {estimated, copied}
  private Instant started;
  private Instant lastPrint = Instant.MIN;
  private long copiedBefore;
  private long copiedNow;

  LoadProgressBar(PrintWriter out, Clock clock, Duration every) {
    this("initial load", out, clock, every);
  }

  /**
   * @param title what is loading, as the lines name it ("initial load")
   */
  public LoadProgressBar(String title, PrintWriter out, Clock clock, Duration every) {
    this.title = title;
    this.out = out;
    this.clock = clock;
    this.every = every;
  }

  @Override
  public synchronized void planned(List<LoadChunk> chunks, Map<String, Long> copied) {
    started = clock.instant();
    for (LoadChunk c : chunks) {
      long[] t = tables.computeIfAbsent(c.table(), k -> new long[2]);
      t[0] += c.estimatedRows();
      Long rows = copied.get(c.id());
      if (rows != null) {
        t[1] += rows;
        copiedBefore += rows;
      }
    }
    out.printf(
        Locale.ROOT,
        "%s: %d tables in %d chunks, about %,d rows%s%n",
        title,
        tables.size(),
        chunks.size(),
        tables.values().stream().mapToLong(t -> t[0]).sum(),
        copiedBefore > 0 ? String.format(Locale.ROOT, " (%,d copied before)", copiedBefore) : "");
    out.flush();
  }

  @Override
  public synchronized void copied(LoadChunk chunk, long rows) {
    tables.computeIfAbsent(chunk.table(), k -> new long[2])[1] += rows;
    copiedNow += rows;
    Instant now = clock.instant();
    if (Duration.between(lastPrint, now).compareTo(every) >= 0) {
      lastPrint = now;
      print(now, chunk.table());
    }
  }

  @Override
  public synchronized void finished() {
    Instant now = clock.instant();
    double seconds = Math.max(1e-3, Duration.between(started, now).toNanos() / 1e9);
    out.printf(
        Locale.ROOT,
        "%s finished: %,d rows in %.1f s (%,.0f rows/s)%n",
        title,
        copiedNow,
        seconds,
        copiedNow / seconds);
    out.flush();
  }

  private void print(Instant now, String current) {
    double seconds = Math.max(1e-3, Duration.between(started, now).toNanos() / 1e9);
    double rate = copiedNow / seconds;
    long estimated = tables.values().stream().mapToLong(t -> t[0]).sum();
    long copied = copiedBefore + copiedNow;
    out.println(line("all tables", estimated, copied, rate));
    long[] t = tables.get(current);
    out.println(line(current, t[0], t[1], rate));
    out.flush();
  }

  /** One bar: name, bar, percent, rows, rate and time left at the load's rate. */
  static String line(String name, long estimated, long copied, double rate) {
    double done = estimated <= 0 ? 1 : Math.min(1, (double) copied / estimated);
    int filled = (int) Math.round(done * WIDTH);
    long left = Math.max(0, estimated - copied);
    return String.format(
        Locale.ROOT,
        "  %-24s [%s%s] %3.0f%%  %,d / %,d rows  %,.0f rows/s  ETA %s",
        name,
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        100.0 * copied / Math.max(1, estimated),
        copied,
        estimated,
        rate,
        rate <= 0 ? "?" : Math.round(left / rate) + " s");
  }
}
