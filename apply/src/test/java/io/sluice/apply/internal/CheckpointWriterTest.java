package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.apply.ApplyMetrics;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.core.MetricNames;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.Retrier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The fenced checkpoint write: retried through DynamoDB failures, each one counted. */
class CheckpointWriterTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Duration> slept = new ArrayList<>();

  /** Refuses the first {@code failures} saves as DynamoDB out of reach, then stores. */
  private static final class FlakyStore implements ApplyCheckpointStore {
    private int failures;
    private final List<ApplyCheckpoint> saved = new ArrayList<>();

    FlakyStore(int failures) {
      this.failures = failures;
    }

    @Override
    public Map<Integer, ApplyCheckpoint> load(String group) {
      return Map.of();
    }

    @Override
    public void save(ApplyCheckpoint checkpoint, Lease lease) {
      if (failures-- > 0) {
        throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
      }
      saved.add(checkpoint);
    }
  }

  private CheckpointWriter writer(FlakyStore store) {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Retrier retrier =
        new Retrier(Backoff.DEFAULT, ErrorClassifier::classify, slept::add, clock, bound -> 0);
    return new CheckpointWriter(
        "fills", 0, store, retrier, new ApplyMetrics(registry, "fills"), clock);
  }

  private Counter failures() {
    return registry.find(MetricNames.APPLY_CHECKPOINT_FAILURES).tag("group", "fills").counter();
  }

  @Test
  void theFailureCounterExistsAtZeroBeforeTheFirstFailure() {
    writer(new FlakyStore(0));

    assertThat(failures()).as("registered with the writer, so its rate reads 0").isNotNull();
    assertThat(failures().count()).isZero();
  }

  @Test
  void aCheckpointRefusedTwiceIsStoredOnTheThirdAttemptAndBothFailuresCount() throws Exception {
    FlakyStore store = new FlakyStore(2);
    CheckpointWriter writer = writer(store);
    ApplyCheckpoint cp = new ApplyCheckpoint("fills", 0, 42, 1_000);
    Lease lease = new Lease("fills", 0, "w1", 1, NOW.plusSeconds(15));

    writer.save(cp, () -> lease, () -> true);

    assertThat(store.saved).containsExactly(cp);
    assertThat(failures().count()).isEqualTo(2.0);
    assertThat(slept).hasSize(2);
    assertThat(writer.problem()).as("the outage is over once the save succeeds").isEmpty();
  }
}
