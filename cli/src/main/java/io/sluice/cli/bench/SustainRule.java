package io.sluice.cli.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * When a contender sustained a step's rate. A contender that keeps up has a lag that is bounded and
 * does not grow; one that falls behind builds a backlog, and its lag grows through the step. So a
 * step is sustained when
 *
 * <ol>
 *   <li>every probe written during the step became visible on the contender's target (by the end of
 *       the settle period after the step), and
 *   <li>the p99 lag of the step's last third of probes is at most {@value #GROWTH_FACTOR} times the
 *       p99 of its first third plus {@value #GROWTH_SLACK_MILLIS} ms.
 * </ol>
 *
 * A step whose source reached less than {@value #SOURCE_SHARE_PERCENT}% of its rate gives no
 * verdict: the source, not a contender, fell short.
 */
final class SustainRule {
  static final double GROWTH_FACTOR = 2.0;
  static final double GROWTH_SLACK_MILLIS = 100;
  static final int SOURCE_SHARE_PERCENT = 95;

  /** A contender's verdict for one step. */
  enum Verdict {
    SUSTAINED("sustained"),
    FELL_BEHIND("fell behind"),
    SOURCE_SHORT("no verdict: source short of the rate");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  private SustainRule() {}

  /** The rule as the report prints it. */
  static String describe() {
    return String.format(
        Locale.ROOT,
        "sustained = every probe of the step became visible, and the p99 lag of the step's last"
            + " third of probes <= %.0fx the p99 of its first third + %.0f ms; a step whose source"
            + " reached less than %d%% of its rate gives no verdict",
        GROWTH_FACTOR,
        GROWTH_SLACK_MILLIS,
        SOURCE_SHARE_PERCENT);
  }

  /**
   * @param lags the step's probe lags in id order, {@code NaN} for a probe not seen
   * @param requestedRate the step's rate in changes/s
   * @param sourceRate the rate the source reached
   */
  static Verdict judge(double[] lags, double requestedRate, double sourceRate) {
    if (sourceRate < requestedRate * SOURCE_SHARE_PERCENT / 100.0) {
      return Verdict.SOURCE_SHORT;
    }
    if (lags.length < 3 || Arrays.stream(lags).anyMatch(Double::isNaN)) {
      return Verdict.FELL_BEHIND;
    }
    int third = lags.length / 3;
    double first = p99(Arrays.copyOfRange(lags, 0, third));
    double last = p99(Arrays.copyOfRange(lags, lags.length - third, lags.length));
    return last <= GROWTH_FACTOR * first + GROWTH_SLACK_MILLIS
        ? Verdict.SUSTAINED
        : Verdict.FELL_BEHIND;
  }

  private static double p99(double[] lags) {
    double[] sorted = lags.clone();
    Arrays.sort(sorted);
    return LagSummary.percentile(sorted, 99);
  }
}
