package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.bench.SustainRule.Verdict;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LagSummaryTest {
  @Test
  void percentilesAreNearestRankOverTheProbesSeen() {
    double[] lags = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
    lags[4] = Double.NaN;

    LagSummary s = LagSummary.of(lags);

    assertThat(s.probes()).isEqualTo(100);
    assertThat(s.seen()).isEqualTo(99);
    assertThat(s.complete()).isFalse();
    assertThat(s.p50()).isEqualTo(51);
    assertThat(s.p99()).isEqualTo(100);
    assertThat(s.max()).isEqualTo(100);
    assertThat(s.describe()).isEqualTo("51 / 96 / 100 / 100 ms (100 probes, 1 NOT SEEN)");
  }

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
