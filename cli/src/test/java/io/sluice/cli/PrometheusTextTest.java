package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String FORWARD =
      """
      # HELP sluice_apply_lag_seconds Lag
      # TYPE sluice_apply_lag_seconds gauge
      sluice_apply_lag_seconds{group="a",pipeline="p"} 1.0
      # HELP jvm_threads_live_threads Threads
      # TYPE jvm_threads_live_threads gauge
      jvm_threads_live_threads{pipeline="p"} 40.0
      """;
  private static final String REVERSE =
      """
      # HELP jvm_threads_live_threads Threads
      # TYPE jvm_threads_live_threads gauge
      jvm_threads_live_threads{pipeline="p_reverse"} 40.0
      # HELP sluice_apply_lag_seconds Lag
      # TYPE sluice_apply_lag_seconds gauge
      sluice_apply_lag_seconds{group="b",pipeline="p_reverse"} 2.0
      # HELP sluice_capture_events_total Events
      # TYPE sluice_capture_events_total counter
      sluice_capture_events_total{pipeline="p_reverse"} 7.0
      """;

  @Test
  void oneScrapeIsKeptAsItIs() {
    assertThat(PrometheusText.merge(List.of(FORWARD))).isEqualTo(FORWARD);
  }

  @Test
  void eachFamilyOnceWithTheSamplesOfBoth() {
    assertThat(PrometheusText.merge(List.of(FORWARD, REVERSE)))
        .isEqualTo(
            """
            # HELP sluice_apply_lag_seconds Lag
            # TYPE sluice_apply_lag_seconds gauge
            sluice_apply_lag_seconds{group="a",pipeline="p"} 1.0
            sluice_apply_lag_seconds{group="b",pipeline="p_reverse"} 2.0
            # HELP jvm_threads_live_threads Threads
            # TYPE jvm_threads_live_threads gauge
            jvm_threads_live_threads{pipeline="p"} 40.0
            jvm_threads_live_threads{pipeline="p_reverse"} 40.0
            # HELP sluice_capture_events_total Events
            # TYPE sluice_capture_events_total counter
            sluice_capture_events_total{pipeline="p_reverse"} 7.0
            """);
  }
}
