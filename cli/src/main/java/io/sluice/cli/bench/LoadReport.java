package io.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.embedded.bench.LoadSchema;
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

/**
 * The results of a {@code sluice bench load} run: a table of every contender and, as the very last
 * line, sluice's load rate against single-stream binary COPY, {@code load ratio vs single-stream
 * COPY: R (sluice A rows/s, COPY B rows/s, native sync C rows/s)}; or, when no contender named
 * {@value #SLUICE} ran, the references alone, {@code load references: COPY B rows/s, 2-stream COPY
 * D rows/s, native sync C rows/s}. Also the same as JSON for tooling.
 */
final class LoadReport {
  static final String SLUICE = "sluice";
  static final String COPY = "copy-1";
  static final String COPY_2 = "copy-2";
  static final String NATIVE = "native";
  static final String RATIO_PREFIX = "load ratio vs single-stream COPY: ";
  static final String REFERENCES_PREFIX = "load references: ";

  private final Machine machine;
  private final String pgVersion;
  private final LoadOptions options;
  private final LoadSchema schema;
  private final List<LoadResult> results;

  LoadReport(
      Machine machine,
      String pgVersion,
      LoadOptions options,
      LoadSchema schema,
      List<LoadResult> results) {
    this.machine = machine;
    this.pgVersion = pgVersion;
    this.options = options;
    this.schema = schema;
    this.results = List.copyOf(results);
  }

  void print(PrintWriter out) {
    out.println();
    out.println(
        "load = from the contender's start until every row is durable in the fresh target;"
            + " CPU in CPU-seconds per million rows");
    out.println(
        "contender          rows  tables   load s     rows/s    box     JVM  source-PG  target-PG"
            + "  live-heap-MiB  GC-s  verified");
    for (LoadResult r : results) {
      ResourceUsage u = r.usage();
      out.println(
          String.format(
              Locale.ROOT,
              "%-10s %,13d %7d %8.2f %,10.0f %6.1f %7.1f %10.1f %10.1f %14s %5.1f  %s",
              r.contender(),
              r.rows(),
              r.tables(),
              u.wallSeconds(),
              r.rowsPerSecond(),
              r.perMillion(u.boxCpuSeconds()),
              r.perMillion(u.jvmCpuSeconds()),
              r.perMillion(u.sourcePgCpuSeconds()),
              r.perMillion(u.targetPgCpuSeconds()),
              u.peakLiveHeapBytes() > 0 ? Long.toString(u.peakLiveHeapBytes() >> 20) : "-",
              u.gcSeconds(),
              r.failure().isPresent()
                  ? "FAILED"
                  : r.verified() ? "yes" : r.tablesMatching() + "/" + r.tables()));
    }
    List<String> voided =
        results.stream().filter(r -> !r.verified()).map(LoadResult::contender).toList();
    if (!voided.isEmpty()) {
      out.println(
          "verification FAILED for " + String.join(", ", voided) + ": their figures are void");
    }
    out.println(lastLine());
    out.flush();
  }

  /** The ratio line when a sluice contender ran, the references line otherwise. */
  String lastLine() {
    if (ran(SLUICE)) {
      return String.format(
          Locale.ROOT,
          RATIO_PREFIX + "%.2f (sluice %,.0f rows/s, COPY %,.0f rows/s, native sync %,.0f rows/s)",
          ratio(),
          rate(SLUICE),
          rate(COPY),
          rate(NATIVE));
    }
    return String.format(
        Locale.ROOT,
        REFERENCES_PREFIX
            + "COPY %,.0f rows/s, 2-stream COPY %,.0f rows/s, native sync %,.0f rows/s",
        rate(COPY),
        rate(COPY_2),
        rate(NATIVE));
  }

  /** sluice's rows/s divided by single-stream COPY's; NaN unless both loaded and verified. */
  double ratio() {
    return rate(SLUICE) / rate(COPY);
  }

  /** A contender's rows/s; NaN if it did not run, failed or did not verify. */
  double rate(String contender) {
    return results.stream()
        .filter(r -> r.contender().equals(contender) && r.verified())
        .mapToDouble(LoadResult::rowsPerSecond)
        .findFirst()
        .orElse(Double.NaN);
  }

  private boolean ran(String contender) {
    return results.stream().anyMatch(r -> r.contender().equals(contender));
  }

  /**
   * Writes the run as JSON: machine, sizes, tables, every load and the ratio (null unless sluice
   * and single-stream COPY both loaded and verified).
   */
  void writeJson(Path file) throws IOException {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("benchmark", "sluice bench load");
    run.put("machine", BenchReport.machineJson(machine));
    run.put("postgres", pgVersion);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("rows", options.rows());
    o.put("smallTables", options.smallTables());
    run.put("options", o);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("tables", schema.tables().size());
    t.put("rows", schema.totalRows());
    t.put("largeTableRows", schema.large().rows());
    t.put("smallTableRows", schema.totalRows() - schema.large().rows());
    run.put("schema", t);
    List<Map<String, Object>> loads = new ArrayList<>();
    for (LoadResult r : results) {
      ResourceUsage u = r.usage();
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("contender", r.contender());
      l.put("rows", r.rows());
      l.put("tables", r.tables());
      l.put("seconds", u.wallSeconds());
      l.put("rowsPerSecond", r.rowsPerSecond());
      Map<String, Object> cpu = new LinkedHashMap<>();
      cpu.put("box", r.perMillion(u.boxCpuSeconds()));
      cpu.put("jvm", r.perMillion(u.jvmCpuSeconds()));
      cpu.put("sourcePostgres", r.perMillion(u.sourcePgCpuSeconds()));
      cpu.put("targetPostgres", r.perMillion(u.targetPgCpuSeconds()));
      l.put("cpuSecondsPerMillionRows", cpu);
      l.put("peakHeapBytes", u.peakHeapBytes());
      l.put("peakLiveHeapBytes", u.peakLiveHeapBytes() > 0 ? u.peakLiveHeapBytes() : null);
      l.put("gcSeconds", u.gcSeconds());
      l.put("tablesMatching", r.tablesMatching());
      l.put("verified", r.verified());
      l.put("failure", r.failure().orElse(null));
      loads.add(l);
    }
    run.put("loads", loads);
    double ratio = ratio();
    run.put("ratioVsSingleStreamCopy", Double.isNaN(ratio) ? null : ratio);
    run.put("verified", results.stream().allMatch(LoadResult::verified));
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), run);
  }
}
