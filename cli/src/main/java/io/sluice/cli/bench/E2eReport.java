package io.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.bench.SustainRule.Verdict;
import io.sluice.embedded.bench.Machine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The summary of a {@code sluice bench e2e} run: a table of every step, each contender's highest
 * sustained rate, the targets, Debezium's raw rate, and as the very last line {@code e2e vs native
 * logical replication: sustained <r>x (sluice <a>/s, native <b>/s), p99 lag at 5000/s: sluice <x>
 * ms, native <y> ms}; also the same as JSON for tooling.
 */
final class E2eReport {
  static final String LAST_LINE_PREFIX = "e2e vs native logical replication: ";
  static final int LAG_TARGET_RATE = 5_000;
  static final double P99_TARGET_MILLIS = 250;

  private final List<E2eStep> steps;
  private final Optional<DebeziumRawRate.Result> raw;

  E2eReport(List<E2eStep> steps, Optional<DebeziumRawRate.Result> raw) {
    this.steps = List.copyOf(steps);
    this.raw = raw;
  }

  void print(PrintWriter out) {
    out.println();
    out.println(SustainRule.describe());
    out.println(
        "lag in ms: probe visible on the target minus its source commit time; CPU in CPU-seconds"
            + " per million changes: sluice = this JVM (capture, apply, Kafka broker, DynamoDB"
            + " Local) less the benchmark's workload, probe and poller threads; box = the whole"
            + " machine, both PostgreSQL servers included");
    out.println(
        "step              source/s   sluice p50   p95   p99    max  verdict      native p50   p95"
            + "   p99    max  verdict      capture/s  apply/s  sluice-CPU  box-CPU  live-heap");
    for (E2eStep s : steps) {
      out.println(
          String.format(
              Locale.ROOT,
              "%-16s %,9.0f   %10s %5s %5s %6s  %-11s  %10s %5s %5s %6s  %-11s  %,9.0f %,8.0f"
                  + " %11.1f %8.1f  %9s",
              s.label(),
              s.source().rowsPerSecond(),
              LagSummary.ms(s.sluice().p50()),
              LagSummary.ms(s.sluice().p95()),
              LagSummary.ms(s.sluice().p99()),
              LagSummary.ms(s.sluice().max()),
              shortVerdict(s.sluiceVerdict()),
              LagSummary.ms(s.nativeLag().p50()),
              LagSummary.ms(s.nativeLag().p95()),
              LagSummary.ms(s.nativeLag().p99()),
              LagSummary.ms(s.nativeLag().max()),
              shortVerdict(s.nativeVerdict()),
              s.capturedPerSecond(),
              s.appliedPerSecond(),
              s.sluiceCpuPerMillion(),
              s.boxCpuPerMillion(),
              heap(s.usage().peakLiveHeapBytes())));
    }
    long peakLive = steps.stream().mapToLong(s -> s.usage().peakLiveHeapBytes()).max().orElse(0);
    long peakPools = steps.stream().mapToLong(s -> s.usage().peakHeapBytes()).max().orElse(0);
    out.println(
        String.format(
            Locale.ROOT,
            "peak heap of this JVM over the steps: live (after a collection) %s, sum of heap-pool"
                + " peaks %s",
            heap(peakLive),
            heap(peakPools)));
    printSoakTrend(out);
    steps.stream()
        .filter(s -> s.sluiceVerdict() == Verdict.SOURCE_SHORT)
        .findFirst()
        .ifPresent(
            s ->
                out.println(
                    String.format(
                        Locale.ROOT,
                        "the source fell short of %,d changes/s (it reached %,.0f): the highest"
                            + " sustained rates below are bounded by the source, not found by"
                            + " the ramp",
                        s.rate(),
                        s.source().rowsPerSecond())));
    int sluice = bestSustained(E2eStep::sluiceVerdict);
    int nat = bestSustained(E2eStep::nativeVerdict);
    double sluiceP99 = p99At(LAG_TARGET_RATE, E2eStep::sluice);
    double sluiceP99Low = p99At(1_000, E2eStep::sluice);
    out.println(
        String.format(
            Locale.ROOT,
            "targets: sustained rate >= 1.0x native: %s; p99 lag at %,d/s <= %.0f ms: %s; lag at"
                + " 1,000/s not worse than at %,d/s: %s",
            nat == 0 ? "n/a" : sluice >= nat ? "met" : "missed",
            LAG_TARGET_RATE,
            P99_TARGET_MILLIS,
            Double.isNaN(sluiceP99) ? "n/a" : sluiceP99 <= P99_TARGET_MILLIS ? "met" : "missed",
            LAG_TARGET_RATE,
            Double.isNaN(sluiceP99) || Double.isNaN(sluiceP99Low)
                ? "n/a"
                : String.format(
                    Locale.ROOT,
                    "%s (p99 %.0f ms vs %.0f ms)",
                    sluiceP99Low <= sluiceP99 ? "met" : "missed",
                    sluiceP99Low,
                    sluiceP99)));
    raw.ifPresent(
        r ->
            out.println(
                String.format(
                    Locale.ROOT,
                    "debezium raw rate: %,.0f records/s (%,d records read in %.1f s after %.1f s of"
                        + " engine start, consumer dropping them)",
                    r.recordsPerSecond(),
                    r.records(),
                    r.seconds(),
                    r.startSeconds())));
    out.println(lastLine());
    out.flush();
  }

  String lastLine() {
    int sluice = bestSustained(E2eStep::sluiceVerdict);
    int nat = bestSustained(E2eStep::nativeVerdict);
    return String.format(
        Locale.ROOT,
        LAST_LINE_PREFIX
            + "sustained %sx (sluice %d/s, native %d/s), p99 lag at %d/s: sluice %s"
            + " ms, native %s ms",
        nat == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", sluice / (double) nat),
        sluice,
        nat,
        LAG_TARGET_RATE,
        LagSummary.ms(p99At(LAG_TARGET_RATE, E2eStep::sluice)),
        LagSummary.ms(p99At(LAG_TARGET_RATE, E2eStep::nativeLag)));
  }

  /** The highest rate of a step the contender sustained; 0 when none. */
  int bestSustained(Function<E2eStep, Verdict> verdict) {
    return steps.stream()
        .filter(s -> verdict.apply(s) == Verdict.SUSTAINED)
        .mapToInt(E2eStep::rate)
        .max()
        .orElse(0);
  }

  /** The largest p99 lag of the steps at {@code rate}; NaN when no step ran at it. */
  double p99At(int rate, Function<E2eStep, LagSummary> lag) {
    return steps.stream()
        .filter(s -> s.rate() == rate)
        .map(lag)
        .mapToDouble(LagSummary::p99)
        .max()
        .orElse(Double.NaN);
  }

  /** Writes the run as JSON: machine, options, every step, the raw rate and the outcome. */
  void writeJson(Path file, Machine machine, String pgVersion, E2eOptions options, boolean verified)
      throws IOException {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("benchmark", "sluice bench e2e");
    run.put("machine", BenchReport.machineJson(machine));
    run.put("postgres", pgVersion);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("rows", options.rows());
    o.put("rates", options.rates());
    o.put("stepSeconds", options.stepDuration().toSeconds());
    o.put("warmUpSeconds", options.warmUp().toSeconds());
    o.put("rampSteps", options.rampSteps());
    o.put("rampFactor", options.rampFactor());
    o.put("rampStepSeconds", options.rampStepDuration().toSeconds());
    o.put("settleSeconds", options.settle().toSeconds());
    o.put("soakSeconds", options.soak().map(d -> d.toSeconds()).orElse(0L));
    o.put("sessions", options.sessions());
    o.put("partitions", options.partitions());
    run.put("options", o);
    List<Map<String, Object>> list = new ArrayList<>();
    for (E2eStep s : steps) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", s.label());
      m.put("rate", s.rate());
      m.put("sourceChanges", s.source().rows());
      m.put("sourceTransactions", s.source().transactions());
      m.put("sourceSeconds", s.source().took().toNanos() / 1e9);
      m.put("sourceChangesPerSecond", s.source().rowsPerSecond());
      m.put("sluice", lagJson(s.sluice(), s.sluiceVerdict()));
      m.put("native", lagJson(s.nativeLag(), s.nativeVerdict()));
      m.put("captureChangesPerSecond", s.capturedPerSecond());
      m.put("applyChangesPerSecond", s.appliedPerSecond());
      m.put("sluiceCpuSecondsPerMillion", s.sluiceCpuPerMillion());
      m.put("boxCpuSecondsPerMillion", s.boxCpuPerMillion());
      m.put("peakLiveHeapBytes", s.usage().peakLiveHeapBytes());
      m.put("peakHeapBytes", s.usage().peakHeapBytes());
      m.put("gcSeconds", s.usage().gcSeconds());
      list.add(m);
    }
    run.put("steps", list);
    run.put("sustainedRule", SustainRule.describe());
    run.put("sluiceSustained", bestSustained(E2eStep::sluiceVerdict));
    run.put("nativeSustained", bestSustained(E2eStep::nativeVerdict));
    raw.ifPresent(
        r -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("records", r.records());
          m.put("seconds", r.seconds());
          m.put("recordsPerSecond", r.recordsPerSecond());
          run.put("debeziumRaw", m);
        });
    run.put("lastLine", lastLine());
    run.put("verified", verified);
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), run);
  }

  private static Map<String, Object> lagJson(LagSummary lag, Verdict verdict) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("probes", lag.probes());
    m.put("seen", lag.seen());
    m.put("p50Millis", finite(lag.p50()));
    m.put("p95Millis", finite(lag.p95()));
    m.put("p99Millis", finite(lag.p99()));
    m.put("maxMillis", finite(lag.max()));
    m.put("verdict", verdict.name().toLowerCase(Locale.ROOT));
    return m;
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** For a soak: the first interval against the last, lag and live heap. */
  private void printSoakTrend(PrintWriter out) {
    List<E2eStep> soak = steps.stream().filter(s -> s.label().startsWith("soak")).toList();
    if (soak.size() < 2) {
      return;
    }
    E2eStep first = soak.get(0);
    E2eStep last = soak.get(soak.size() - 1);
    out.println(
        String.format(
            Locale.ROOT,
            "soak trend, first interval -> last: sluice p99 %s -> %s ms, native p99 %s -> %s ms,"
                + " live heap %s -> %s; intervals sustained: sluice %d/%d, native %d/%d",
            LagSummary.ms(first.sluice().p99()),
            LagSummary.ms(last.sluice().p99()),
            LagSummary.ms(first.nativeLag().p99()),
            LagSummary.ms(last.nativeLag().p99()),
            heap(first.usage().peakLiveHeapBytes()),
            heap(last.usage().peakLiveHeapBytes()),
            soak.stream().filter(s -> s.sluiceVerdict() == Verdict.SUSTAINED).count(),
            soak.size(),
            soak.stream().filter(s -> s.nativeVerdict() == Verdict.SUSTAINED).count(),
            soak.size()));
  }

  private static String shortVerdict(Verdict v) {
    return switch (v) {
      case SUSTAINED -> "sustained";
      case FELL_BEHIND -> "BEHIND";
      case SOURCE_SHORT -> "src short";
    };
  }

  static String heap(long bytes) {
    return bytes == 0 ? "no GC" : String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
  }
}
