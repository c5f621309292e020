package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.apply.ApplyMetrics;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.core.config.TruncatePolicy;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.Retrier;
import io.sluice.core.schema.TableId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints follow the clock, not the batches: a partition committing a batch every 100 ms writes
 * its checkpoint once per {@code apply.checkpoint-interval}, and always when it stops, so the next
 * owner starts exactly where it ended.
 */
class PartitionApplierCheckpointTest {
  private static final String TOPIC = "sluice.orders.fills";
  private static final TableId HEARTBEATS = new TableId("sluice", "heartbeat");
  private static final int BATCHES = 25;

  private final MovableClock clock = new MovableClock();
  private final List<Saved> saved = new ArrayList<>();

  private record Saved(long nextOffset, Instant at) {}

  @Test
  void aCheckpointIsWrittenOncePerIntervalAndWhenThePartitionStops() throws Exception {
    run(Duration.ofSeconds(1));

    assertThat(saved)
        .extracting(Saved::nextOffset)
        .as("at 1.0 s and 2.0 s, then the last batch when it stops")
        .containsExactly(10L, 20L, (long) BATCHES);
    for (int i = 1; i < saved.size() - 1; i++) {
      assertThat(Duration.between(saved.get(i - 1).at(), saved.get(i).at()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void aZeroIntervalWritesOnePerBatch() throws Exception {
    run(Duration.ZERO);

    assertThat(saved).extracting(Saved::nextOffset).hasSize(BATCHES).endsWith((long) BATCHES);
  }

  /** One heartbeat a batch, a batch every 100 ms of the clock, then the partition stops. */
  private void run(Duration interval) throws Exception {
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    MockConsumer<ByteBuffer, ByteBuffer> consumer = new MockConsumer<>("none");
    consumer.updateBeginningOffsets(Map.of(tp, 0L));
    ChangeEventCodec codec = new ChangeEventCodec();
    Lease lease = new Lease("fills", 0, "me", 1, Instant.parse("2099-01-01T00:00:00Z"));
    ApplyCheckpointStore store =
        new ApplyCheckpointStore() {
          @Override
          public Map<Integer, ApplyCheckpoint> load(String group) {
            return Map.of();
          }

          @Override
          public void save(ApplyCheckpoint checkpoint, Lease held) {
            saved.add(new Saved(checkpoint.nextOffset(), clock.instant()));
          }
        };
    PartitionApplier applier =
        new PartitionApplier(
            new PartitionApplier.Setup(
                "fills",
                TOPIC,
                0,
                Duration.ofMillis(20),
                interval,
                null,
                new PostgresBatchWriter(),
                store,
                clock,
                new Retrier(Backoff.DEFAULT, ErrorClassifier::classify, d -> {}, clock),
                TruncatePolicy.APPLY,
                Optional.empty(),
                new ApplyMetrics(new SimpleMeterRegistry(), "fills"),
                (partition, changes, records, through, tables) -> {},
                p -> OptionalLong.empty()));
    int[] polls = {0};
    applier.run(
        () -> {
          // before each poll: 100 ms pass, and the next batch is waiting
          if (polls[0] == BATCHES) {
            return false;
          }
          clock.advance(Duration.ofMillis(100));
          long offset = polls[0]++;
          byte[] heartbeat =
              codec.encode(ChangeEvent.heartbeat(HEARTBEATS, 100 + offset, 5, 1_000 + offset));
          consumer.addRecord(
              new ConsumerRecord<>(TOPIC, 0, offset, null, ByteBuffer.wrap(heartbeat)));
          return true;
        },
        () -> true,
        consumer,
        () -> lease);
  }
}
