package io.sluice.capture.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowDigestTest {
  @Test
  void equalRowsShareADigestAndNullEmptyTextAndShiftedValuesDoNot() {
    assertThat(RowDigest.of(List.of("1", "a"))).isEqualTo(RowDigest.of(List.of("1", "a")));
    assertThat(RowDigest.of(Arrays.asList("1", null))).isNotEqualTo(RowDigest.of(List.of("1", "")));
    assertThat(RowDigest.of(List.of("ab", "c"))).isNotEqualTo(RowDigest.of(List.of("a", "bc")));
    assertThat(RowDigest.of(List.of("1.0"))).isNotEqualTo(RowDigest.of(List.of("1.00")));
  }
}
