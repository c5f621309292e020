package io.sluice.test.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The initial load's place in DynamoDB: planned, copied chunk by chunk, fenced, replaced. */
class DynamoDbLoadProgressStoreIT {
  private final DynamoDbState state = new DynamoDbState();
  private final TestClock clock = new TestClock();
  private final DynamoDbLoadProgressStore store =
      new DynamoDbLoadProgressStore(state.client, state.tables, clock);

  @AfterEach
  void dropTables() {
    state.close();
  }

  private static LoadChunk range(int index, String lower, String upper) {
    return new LoadChunk(
        "public.fills",
        index,
        Optional.of("id"),
        Optional.ofNullable(lower),
        Optional.ofNullable(upper),
        1_000);
  }

  private static final List<LoadChunk> CHUNKS =
      List.of(
          range(0, null, "1001"),
          range(1, "1001", "2001"),
          range(2, "2001", null),
          LoadChunk.whole("public.accounts", 50),
          LoadChunk.whole("\"Odd Schema\".\"a.b\"", 7));

  @Test
  void givenNoLoadThereIsNoPlan() {
    assertThat(store.plan()).isEmpty();
  }

  @Test
  void aPlanComesBackInPlanOrderWithTheChunksCopiedSoFar() {
    Lease lease = state.lease(":capture", 0, "capture-1", clock);
    store.start(
        LoadPlan.of(
            0x16B374D848L, CHUNKS, Map.of("sluice.orders.book/0", 12L, "sluice.orders.book/1", 0L)),
        lease);
    store.copied(CHUNKS.get(1), 998, lease);
    store.copied(CHUNKS.get(4), 7, lease);

    LoadPlan plan = store.plan().orElseThrow();

    assertThat(plan.position()).isEqualTo(0x16B374D848L);
    assertThat(plan.streamStart())
        .containsOnly(
            Map.entry("sluice.orders.book/0", 12L), Map.entry("sluice.orders.book/1", 0L));
    assertThat(plan.chunks()).containsExactlyElementsOf(CHUNKS);
    assertThat(plan.copied())
        .containsOnly(Map.entry(CHUNKS.get(1).id(), 998L), Map.entry(CHUNKS.get(4).id(), 7L));
    assertThat(plan.remaining()).containsExactly(CHUNKS.get(0), CHUNKS.get(2), CHUNKS.get(3));
    assertThat(plan.finished()).isFalse();

    for (LoadChunk c : plan.remaining()) {
      store.copied(c, 10, lease);
    }
    store.finish(lease);
    assertThat(store.plan().orElseThrow().finished()).isTrue();
    assertThat(store.plan().orElseThrow().remaining()).isEmpty();
  }

  @Test
  void aFinishedPlanExtendedWithNewChunksIsUnfinishedUntilTheyAreCopied() {
    Lease lease = state.lease(":capture", 0, "capture-1", clock);
    store.start(LoadPlan.of(7, CHUNKS, Map.of()), lease);
    for (LoadChunk c : CHUNKS) {
      store.copied(c, 1, lease);
    }
    store.finish(lease);

    List<LoadChunk> added = List.of(LoadChunk.whole("\"public\".\"fresh\"", 3_000));
    store.extend(added, lease);

    LoadPlan plan = store.plan().orElseThrow();
    assertThat(plan.finished()).isFalse();
    assertThat(plan.position()).isEqualTo(7);
    assertThat(plan.chunks()).hasSize(CHUNKS.size() + 1).endsWith(added.get(0));
    assertThat(plan.remaining()).containsExactlyElementsOf(added);
  }

  @Test
  void aNewPlanReplacesTheOldOneWhole() {
    Lease lease = state.lease(":capture", 0, "capture-1", clock);
    store.start(
        LoadPlan.of(1, CHUNKS, Map.of("sluice.orders.book/0", 12L, "sluice.orders.book/1", 0L)),
        lease);
    store.copied(CHUNKS.get(0), 1_000, lease);

    List<LoadChunk> again = List.of(LoadChunk.whole("public.accounts", 60));
    store.start(
        LoadPlan.of(2, again, Map.of("sluice.orders.book/0", 12L, "sluice.orders.book/1", 0L)),
        lease);

    LoadPlan plan = store.plan().orElseThrow();
    assertThat(plan.position()).isEqualTo(2);
    assertThat(plan.chunks()).containsExactlyElementsOf(again);
    assertThat(plan.copied()).isEmpty();
  }

  @Test
  void aProcessThatLostTheCaptureLeaseCannotRecordProgress() {
    Lease lease = state.lease(":capture", 0, "capture-1", clock);
    store.start(
        LoadPlan.of(1, CHUNKS, Map.of("sluice.orders.book/0", 12L, "sluice.orders.book/1", 0L)),
        lease);
    clock.advance(Duration.ofSeconds(11)); // the lease (10 s) ran out; another took it
    state.lease(":capture", 0, "capture-2", clock);

    assertThatThrownBy(() -> store.copied(CHUNKS.get(0), 1_000, lease))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("load chunk public.fills#0");
    assertThatThrownBy(() -> store.finish(lease)).isInstanceOf(LeaseLostException.class);
    assertThat(store.plan().orElseThrow().copied()).isEmpty();
  }
}
