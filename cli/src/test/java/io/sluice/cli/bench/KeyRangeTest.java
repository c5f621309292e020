package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
  @Test
  void twoPartsAreCutAtTheMedianKey() {
    long[] keys = LongStream.rangeClosed(1, 101).toArray();
    assertThat(KeyRange.split(keys, 2))
        .containsExactly(new KeyRange(null, 51L), new KeyRange(51L, null));
  }

  @Test
  void histogramBoundsOfEqualSharesGiveEqualRanges() {
    // 101 bounds of 10,000,000 keys, as pg_stats.histogram_bounds holds them for fill_id
    long[] bounds = LongStream.rangeClosed(0, 100).map(i -> 1 + i * 99_999).toArray();
    assertThat(KeyRange.split(bounds, 2))
        .containsExactly(new KeyRange(null, 4_999_951L), new KeyRange(4_999_951L, null));
    assertThat(KeyRange.split(bounds, 4)).hasSize(4);
  }

  @Test
  void everyKeyFallsInExactlyOneRange() {
    long[] bounds = {10, 20, 20, 20, 35, 90};
    for (int parts = 1; parts <= 7; parts++) {
      List<KeyRange> ranges = KeyRange.split(bounds, parts);
      assertThat(ranges.size()).isBetween(1, parts);
      for (long key = -5; key <= 100; key++) {
        long k = key;
        assertThat(ranges.stream().filter(r -> r.contains(k)).count())
            .as("key %d in %s", key, ranges)
            .isEqualTo(1);
      }
    }
  }

  @Test
  void oneStreamOrNoStatisticsGiveTheWholeTable() {
    assertThat(KeyRange.split(new long[] {1, 2, 3}, 1)).containsExactly(KeyRange.ALL);
    assertThat(KeyRange.split(new long[0], 2)).containsExactly(KeyRange.ALL);
    assertThat(KeyRange.split(new long[] {7, 7, 7}, 3))
        .containsExactly(new KeyRange(null, 7L), new KeyRange(7L, null));
  }

  @Test
  void whereClausesSelectTheRange() {
    assertThat(KeyRange.ALL.where("fill_id")).isEmpty();
    assertThat(new KeyRange(null, 51L).where("fill_id")).isEqualTo(" WHERE \"fill_id\" < 51");
    assertThat(new KeyRange(51L, null).where("fill_id")).isEqualTo(" WHERE \"fill_id\" >= 51");
    assertThat(new KeyRange(5L, 9L).where("k")).isEqualTo(" WHERE \"k\" >= 5 AND \"k\" < 9");
  }
}
