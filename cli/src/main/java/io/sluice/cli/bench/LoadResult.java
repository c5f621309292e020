package io.sluice.cli.bench;

import io.sluice.embedded.bench.ResourceUsage;
import java.util.Locale;
import java.util.Optional;

/**
 * One timed load: which contender copied how many rows of how many tables, what it cost, how many
 * tables then matched the source, and why it failed if it did (then {@code usage} still covers the
 * time until the failure).
 */
record LoadResult(
    String contender,
    long rows,
    int tables,
    ResourceUsage usage,
    int tablesMatching,
    Optional<String> failure) {

  /** Whether the load finished and every table matches the source. */
  boolean verified() {
    return failure.isEmpty() && tablesMatching == tables;
  }

  double rowsPerSecond() {
    return rows / usage.wallSeconds();
  }

  double perMillion(double cpuSeconds) {
    return ResourceUsage.perMillion(cpuSeconds, rows);
  }

  String summary() {
    return String.format(
        Locale.ROOT,
        "%,d rows of %d tables in %.2f s = %,.0f rows/s; CPU-s per million rows: box %.1f, JVM"
            + " %.1f, source PostgreSQL %.1f, target PostgreSQL %.1f; live heap %s",
        rows,
        tables,
        usage.wallSeconds(),
        rowsPerSecond(),
        perMillion(usage.boxCpuSeconds()),
        perMillion(usage.jvmCpuSeconds()),
        perMillion(usage.sourcePgCpuSeconds()),
        perMillion(usage.targetPgCpuSeconds()),
        liveHeap());
  }

  /**
   * The most heap in use right after a collection during the load, or "-" when no collection
   * happened in it (nothing was measured).
   */
  String liveHeap() {
    return usage.peakLiveHeapBytes() > 0
        ? String.format(Locale.ROOT, "%,d MiB", usage.peakLiveHeapBytes() >> 20)
        : "-";
  }
}
