package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
}
