package io.sluice.cli.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The lags of one contender's probes in one step, in milliseconds: how many probes the step wrote,
 * how many became visible, and the nearest-rank percentiles and maximum of those that did.
 */
record LagSummary(int probes, int seen, double p50, double p95, double p99, double max) {

  /** Summarizes {@code lags}, one per probe in id order, {@code NaN} for a probe not seen. */
  static LagSummary of(double[] lags) {
    double[] visible = Arrays.stream(lags).filter(l -> !Double.isNaN(l)).sorted().toArray();
    return new LagSummary(
        lags.length,
        visible.length,
        percentile(visible, 50),
        percentile(visible, 95),
        percentile(visible, 99),
        visible.length == 0 ? Double.NaN : visible[visible.length - 1]);
  }

  /** Nearest-rank percentile of sorted values; NaN for none. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Every probe of the step became visible. */
  boolean complete() {
    return seen == probes && probes > 0;
  }

  /** {@code p50 / p95 / p99 / max ms (n probes)}, with the unseen ones named. */
  String describe() {
    String unseen = seen < probes ? String.format(Locale.ROOT, ", %d NOT SEEN", probes - seen) : "";
    return String.format(
        Locale.ROOT,
        "%s / %s / %s / %s ms (%d probes%s)",
        ms(p50),
        ms(p95),
        ms(p99),
        ms(max),
        probes,
        unseen);
  }

  static String ms(double millis) {
    return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.0f", millis);
  }
}
