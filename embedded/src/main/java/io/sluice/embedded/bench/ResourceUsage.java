package io.sluice.embedded.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one measured interval cost: wall time; CPU seconds of the whole box, of this JVM, and of
 * each PostgreSQL server with all its processes; the JVM's peak heap and GC time; and this JVM's
 * CPU by thread family (digits in thread names folded to {@code #}), largest first.
 *
 * <p>{@code peakHeapBytes} is the sum of every heap pool's peak since the interval began: an upper
 * bound of the heap in use at any one moment, as the pools peak at different times (and counting
 * garbage not yet collected). {@code peakLiveHeapBytes} is the most heap in use right after a
 * collection during the interval: what the JVM had to keep, the figure a heap limit must hold.
 */
public record ResourceUsage(
    double wallSeconds,
    double boxCpuSeconds,
    double jvmCpuSeconds,
    double sourcePgCpuSeconds,
    double targetPgCpuSeconds,
    long peakHeapBytes,
    long peakLiveHeapBytes,
    long maxHeapBytes,
    double gcSeconds,
    Map<String, Double> jvmThreadCpuSeconds) {

  public ResourceUsage {
    jvmThreadCpuSeconds = Collections.unmodifiableMap(new LinkedHashMap<>(jvmThreadCpuSeconds));
  }

  /** CPU seconds per million rows for a CPU figure of this interval. */
  public static double perMillion(double cpuSeconds, long rows) {
    return rows == 0 ? 0 : cpuSeconds * 1e6 / rows;
  }
}
