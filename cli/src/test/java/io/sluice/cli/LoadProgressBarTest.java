package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.checkpoint.LoadChunk;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoadProgressBarTest {
  private static LoadChunk chunk(String table, int index, long rows) {
    return new LoadChunk(table, index, Optional.of("id"), Optional.empty(), Optional.empty(), rows);
  }

  @Test
  void barsShowRowsRateAndTimeLeftAtMostOnceAnInterval() {
    StringWriter text = new StringWriter();
    MovingClock clock = new MovingClock();
    LoadProgressBar bar = new LoadProgressBar(new PrintWriter(text), clock, Duration.ofSeconds(2));
    List<LoadChunk> chunks =
        List.of(
            chunk("\"public\".\"fills\"", 0, 500_000), chunk("\"public\".\"fills\"", 1, 500_000));

    bar.planned(chunks, Map.of());
    clock.advance(Duration.ofSeconds(2));
    bar.copied(chunks.get(0), 500_000);
    clock.advance(Duration.ofSeconds(1));
    bar.copied(chunks.get(1), 100_000); // within the interval: not printed

    String printed = text.toString();
    assertThat(printed).startsWith("initial load: 1 tables in 2 chunks, about 1,000,000 rows\n");
    assertThat(printed)
        .contains(
            "  all tables               [##########..........]  50%  500,000 / 1,000,000 rows"
                + "  250,000 rows/s  ETA 2 s\n")
        .contains("  \"public\".\"fills\"")
        .doesNotContain("600,000");

    clock.advance(Duration.ofSeconds(1));
    bar.finished();
    assertThat(text.toString())
        .endsWith("initial load finished: 600,000 rows in 4.0 s (150,000 rows/s)\n");
  }

  @Test
  void rowsCopiedByAnEarlierRunCountInTheBarsButNotInTheRate() {
    StringWriter text = new StringWriter();
    MovingClock clock = new MovingClock();
    LoadProgressBar bar = new LoadProgressBar(new PrintWriter(text), clock, Duration.ZERO);
    List<LoadChunk> chunks = List.of(chunk("t", 0, 100), chunk("t", 1, 100));

    bar.planned(chunks, Map.of(chunks.get(0).id(), 100L));
    clock.advance(Duration.ofSeconds(1));
    bar.copied(chunks.get(1), 50);

    assertThat(text.toString())
        .contains("(100 copied before)")
        .contains("[###############.....]  75%  150 / 200 rows  50 rows/s  ETA 1 s");
  }
}
