package io.sluice.cli.bench;

import io.sluice.embedded.bench.BenchWorkload.Shape;
import io.sluice.embedded.bench.ResourceUsage;
import java.util.Locale;

/** One timed drain: which contender drained how many rows of which shape, and what it cost. */
record DrainResult(Shape shape, String contender, long rows, ResourceUsage usage) {
  double rowsPerSecond() {
    return rows / usage.wallSeconds();
  }

  double perMillion(double cpuSeconds) {
    return ResourceUsage.perMillion(cpuSeconds, rows);
  }

  String summary() {
    return String.format(
        Locale.ROOT,
        "%,d rows in %.2f s = %,.0f rows/s; CPU-s per million rows: box %.1f, sluice JVM %.1f,"
            + " source PostgreSQL %.1f, target PostgreSQL %.1f; live heap %,d MiB, heap-pool"
            + " peaks %,d MiB",
        rows,
        usage.wallSeconds(),
        rowsPerSecond(),
        perMillion(usage.boxCpuSeconds()),
        perMillion(usage.jvmCpuSeconds()),
        perMillion(usage.sourcePgCpuSeconds()),
        perMillion(usage.targetPgCpuSeconds()),
        usage.peakLiveHeapBytes() >> 20,
        usage.peakHeapBytes() >> 20);
  }
}
