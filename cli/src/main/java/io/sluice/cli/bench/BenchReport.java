package io.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.embedded.bench.BenchWorkload.Shape;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.bench.ResourceUsage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The results of a run: a table of both contenders per shape, the targets, and as the very last
 * line the ratios, {@code apply ratio vs native logical replication: single-row R1, 100-row R2};
 * also the same as JSON for tooling.
 */
final class BenchReport {
  static final String RATIO_PREFIX = "apply ratio vs native logical replication: ";
  static final long HEAP_TARGET_BYTES = 1L << 30;

  private final Machine machine;
  private final String pgVersion;
  private final BenchOptions options;
  private final List<DrainResult> results;

  BenchReport(Machine machine, String pgVersion, BenchOptions options, List<DrainResult> results) {
    this.machine = machine;
    this.pgVersion = pgVersion;
    this.options = options;
    this.results = List.copyOf(results);
  }

  void print(PrintWriter out) {
    out.println();
    out.println(
        "drain = from starting apply until the last change is durable on the target;"
            + " CPU in CPU-seconds per million rows changed");
    out.println(
        "shape       contender        rows  drain s     rows/s    box  sluice-JVM  source-PG"
            + "  target-PG  live-heap-MiB  GC-s");
    for (DrainResult r : results) {
      ResourceUsage u = r.usage();
      out.println(
          String.format(
              Locale.ROOT,
              "%-11s %-9s %,11d %8.2f %,10.0f %6.1f %11.1f %10.1f %10.1f %14d %5.1f",
              r.shape().label(),
              r.contender(),
              r.rows(),
              u.wallSeconds(),
              r.rowsPerSecond(),
              r.perMillion(u.boxCpuSeconds()),
              r.perMillion(u.jvmCpuSeconds()),
              r.perMillion(u.sourcePgCpuSeconds()),
              r.perMillion(u.targetPgCpuSeconds()),
              r.contender().equals("sluice") ? u.peakLiveHeapBytes() >> 20 : 0,
              u.gcSeconds()));
    }
    long live = peakSluice(ResourceUsage::peakLiveHeapBytes);
    long pools = peakSluice(ResourceUsage::peakHeapBytes);
    long max = results.isEmpty() ? 0 : results.get(0).usage().maxHeapBytes();
    out.println(
        String.format(
            Locale.ROOT,
            "heap during sluice drains: live (in use after a collection) at most %,d MiB; sum of"
                + " heap-pool peaks %,d MiB (garbage included); max heap %,d MiB. This JVM also"
                + " hosts capture, the Kafka broker and DynamoDB Local",
            live >> 20,
            pools >> 20,
            max >> 20));
    out.println(
        String.format(
            Locale.ROOT,
            "targets: ratio >= 1.00 for both shapes: %s; live heap <= 1 GiB: %s",
            List.of(Shape.values()).stream()
                .map(s -> s.label() + " " + verdict(ratio(s)))
                .collect(Collectors.joining(", ")),
            live <= HEAP_TARGET_BYTES
                ? String.format(Locale.ROOT, "met (%,d MiB)", live >> 20)
                : String.format(Locale.ROOT, "missed (%,d MiB)", live >> 20)));
    out.println(ratioLine());
    out.flush();
  }

  String ratioLine() {
    return String.format(
        Locale.ROOT,
        RATIO_PREFIX + "single-row %.2f, 100-row %.2f",
        ratio(Shape.SINGLE_ROW),
        ratio(Shape.HUNDRED_ROW));
  }

  /** sluice rows/s divided by native rows/s for a shape. */
  double ratio(Shape shape) {
    return rate(shape, "sluice") / rate(shape, "native");
  }

  private static String verdict(double ratio) {
    return ratio >= 1.0
        ? String.format(Locale.ROOT, "met (%.2f)", ratio)
        : String.format(Locale.ROOT, "missed by %.0f%% (%.2f)", (1 - ratio) * 100, ratio);
  }

  private double rate(Shape shape, String contender) {
    return results.stream()
        .filter(r -> r.shape() == shape && r.contender().equals(contender))
        .mapToDouble(DrainResult::rowsPerSecond)
        .findFirst()
        .orElse(Double.NaN);
  }

  private long peakSluice(ToLongFunction<ResourceUsage> heap) {
    return results.stream()
        .filter(r -> r.contender().equals("sluice"))
        .mapToLong(r -> heap.applyAsLong(r.usage()))
        .max()
        .orElse(0);
  }

  /**
   * The largest thread families of this JVM's CPU in an interval, then the rest of the process's
   * CPU that no live Java thread accounts for: JIT compiler and GC threads, and threads that ended.
   */
  static String topThreads(ResourceUsage usage, int n) {
    double threads = usage.jvmThreadCpuSeconds().values().stream().mapToDouble(d -> d).sum();
    String top =
        usage.jvmThreadCpuSeconds().entrySet().stream()
            .limit(n)
            .map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue()))
            .collect(Collectors.joining(", "));
    return top
        + String.format(
            Locale.ROOT,
            "; JIT, GC and ended threads %.1f s",
            Math.max(0, usage.jvmCpuSeconds() - threads));
  }

  /** The machine as a benchmark's JSON report has it, with the load average now as its end. */
  static Map<String, Object> machineJson(Machine machine) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", machine.cpus());
    m.put("memoryBytes", machine.memoryBytes());
    m.put("cpuModel", machine.cpuModel());
    m.put("java", machine.java());
    m.put("os", machine.os());
    m.put("loadAverageAtStart", machine.loadAtStart());
    m.put("loadAverageAtEnd", Machine.currentLoad());
    return m;
  }

  /** Writes the run as JSON: machine, options, every drain, ratios and the verification outcome. */
  void writeJson(Path file, boolean verified) throws IOException {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("benchmark", "sluice bench apply");
    run.put("machine", machineJson(machine));
    run.put("postgres", pgVersion);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("largeRows", options.largeRows());
    o.put("singleRows", options.singleRows());
    o.put("hundredRows", options.hundredRows());
    o.put("warmUpRows", options.warmUpRows());
    o.put("partitions", options.partitions());
    o.put("sessions", options.sessions());
    run.put("options", o);
    List<Map<String, Object>> drains = new ArrayList<>();
    for (DrainResult r : results) {
      ResourceUsage u = r.usage();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("shape", r.shape().label());
      d.put("contender", r.contender());
      d.put("rows", r.rows());
      d.put("seconds", u.wallSeconds());
      d.put("rowsPerSecond", r.rowsPerSecond());
      d.put(
          "cpuSecondsPerMillionRows",
          Map.of(
              "box", r.perMillion(u.boxCpuSeconds()),
              "jvm", r.perMillion(u.jvmCpuSeconds()),
              "sourcePostgres", r.perMillion(u.sourcePgCpuSeconds()),
              "targetPostgres", r.perMillion(u.targetPgCpuSeconds())));
      d.put("peakHeapBytes", u.peakHeapBytes());
      d.put("peakLiveHeapBytes", u.peakLiveHeapBytes());
      d.put("gcSeconds", u.gcSeconds());
      drains.add(d);
    }
    run.put("drains", drains);
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("single-row", ratio(Shape.SINGLE_ROW));
    ratios.put("100-row", ratio(Shape.HUNDRED_ROW));
    run.put("ratios", ratios);
    run.put("verified", verified);
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), run);
  }
}
