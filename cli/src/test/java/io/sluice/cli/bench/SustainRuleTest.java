package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.bench.SustainRule.Verdict;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SustainRuleTest {
  @Test
  void aFlatLagIsSustained() {
    double[] lags = IntStream.range(0, 90).mapToDouble(i -> 20 + i % 7).toArray();

    assertThat(SustainRule.judge(lags, 5_000, 4_990)).isEqualTo(Verdict.SUSTAINED);
  }

  @Test
  void aGrowingLagFellBehind() {
    double[] lags = IntStream.range(0, 90).mapToDouble(i -> 20 + i * 10).toArray();

    assertThat(SustainRule.judge(lags, 5_000, 5_000)).isEqualTo(Verdict.FELL_BEHIND);
  }

  @Test
  void aProbeNeverSeenFellBehind() {
    double[] lags = IntStream.range(0, 90).mapToDouble(i -> 20).toArray();
    lags[89] = Double.NaN;

    assertThat(SustainRule.judge(lags, 5_000, 5_000)).isEqualTo(Verdict.FELL_BEHIND);
  }

  @Test
  void aSourceShortOfTheRateGivesNoVerdict() {
    double[] lags = IntStream.range(0, 90).mapToDouble(i -> 20).toArray();

    assertThat(SustainRule.judge(lags, 10_000, 9_000)).isEqualTo(Verdict.SOURCE_SHORT);
  }
}
