package io.sluice.capture.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.capture.load.ChunkPlanner.KeyRange;
import io.sluice.capture.load.ChunkPlanner.TableSize;
import io.sluice.checkpoint.LoadChunk;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {
  @Test
  void aLargeTableKeyedByAnIntegerIsSplitIntoContiguousRangesThatCoverEveryKey() {
    List<LoadChunk> chunks =
        ChunkPlanner.plan(
            List.of(
                new TableSize(
                    "public.fills", 10_000_000, Optional.of(new KeyRange("id", 1, 10_000_000)))),
            1_000_000);

    assertThat(chunks).hasSize(10);
    assertThat(chunks.get(0).lower()).isEmpty();
    assertThat(chunks.get(0).upper()).contains("1000001");
    assertThat(chunks.get(9).lower()).contains("9000001");
    assertThat(chunks.get(9).upper()).isEmpty();
    for (int i = 1; i < chunks.size(); i++) {
      assertThat(chunks.get(i).lower())
          .as("chunk %d starts where the one before ends", i)
          .isEqualTo(chunks.get(i - 1).upper());
      assertThat(chunks.get(i).index()).isEqualTo(i);
      assertThat(chunks.get(i).keyColumn()).contains("id");
    }
    assertThat(chunks.stream().mapToLong(LoadChunk::estimatedRows).sum()).isEqualTo(10_000_000);
  }

  @Test
  void smallTablesAndTablesWithoutAnIntegerKeyAreWholeAndComeAfterTheLargerOnes() {
    List<LoadChunk> chunks =
        ChunkPlanner.plan(
            List.of(
                new TableSize("public.accounts", 2_000, Optional.of(new KeyRange("id", 1, 2_000))),
                new TableSize("public.positions", 5_000_000, Optional.empty()),
                new TableSize(
                    "public.fills", 3_000_000, Optional.of(new KeyRange("id", -5, 2_999_994)))),
            1_000_000);

    assertThat(chunks)
        .extracting(LoadChunk::id)
        .containsExactly(
            "public.positions#0",
            "public.fills#0",
            "public.fills#1",
            "public.fills#2",
            "public.accounts#0");
    assertThat(chunks.get(0).keyColumn()).isEmpty();
    assertThat(chunks.get(1).upper()).contains("999995");
  }

  @Test
  void tablesWithoutAKeyComeFirstWhateverTheirSize() {
    List<LoadChunk> chunks =
        ChunkPlanner.plan(
            List.of(
                new TableSize("public.big", 50_000, Optional.empty()),
                new TableSize("public.ledger", 10, Optional.empty(), true)),
            1_000_000);

    assertThat(chunks).extracting(LoadChunk::table).containsExactly("public.ledger", "public.big");
  }

  @Test
  void keysSpreadThinnerThanTheRowsMakeNoEmptyTrailingChunks() {
    // an estimate larger than the key span: ranges of one key each at most
    List<LoadChunk> chunks =
        ChunkPlanner.plan(
            List.of(new TableSize("public.t", 5_000, Optional.of(new KeyRange("id", 1, 3)))),
            1_000);

    assertThat(chunks)
        .extracting(c -> c.lower().orElse("-") + ".." + c.upper().orElse("-"))
        .containsExactly("-..2", "2..3", "3..-");
  }

  @Test
  void theExtremesOfBigintDoNotOverflow() {
    List<LoadChunk> chunks =
        ChunkPlanner.plan(
            List.of(
                new TableSize(
                    "public.t",
                    4_000,
                    Optional.of(new KeyRange("id", Long.MIN_VALUE, Long.MAX_VALUE)))),
            1_000);

    assertThat(chunks).hasSize(4);
    for (int i = 1; i < chunks.size(); i++) {
      assertThat(Long.parseLong(chunks.get(i).lower().orElseThrow()))
          .isGreaterThan(
              i == 1 ? Long.MIN_VALUE : Long.parseLong(chunks.get(i - 1).lower().orElseThrow()));
    }
  }

  @Test
  void aChunkSizeBelowOneIsRefused() {
    assertThatThrownBy(() -> ChunkPlanner.plan(List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
