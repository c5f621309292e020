package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.apply.internal.BatchReducer.TableBatch;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchReducerTest {
  private static final TableId FILLS = new TableId("public", "fills");
  private static final TableId VENUES = new TableId("public", "venues");

  private final List<KeyedChange> batch = new ArrayList<>();

  @Test
  void theChangeWithTheHighestPositionWinsWhateverTheArrivalOrder() {
    add(upsert(FILLS, Op.UPDATE, 30, "1", "third"));
    add(upsert(FILLS, Op.UPDATE, 10, "1", "first"));
    add(upsert(FILLS, Op.UPDATE, 20, "1", "second"));

    List<ChangeEvent> rows = reduce().get(FILLS).rows();

    assertThat(rows).singleElement().satisfies(e -> assertThat(e.lsn()).isEqualTo(30));
    assertThat(rows.get(0).after()).containsEntry("note", "third");
  }

  @Test
  void ofTwoChangesAtTheSamePositionTheLaterArrivalWins() {
    add(upsert(FILLS, Op.SNAPSHOT, 0, "1", "read first"));
    add(upsert(FILLS, Op.SNAPSHOT, 0, "1", "read again"));

    assertThat(reduce().get(FILLS).rows())
        .singleElement()
        .satisfies(e -> assertThat(e.after()).containsEntry("note", "read again"));
  }

  @Test
  void eachKeyKeepsItsOwnNewestChange() {
    add(upsert(FILLS, Op.INSERT, 10, "1", "a"));
    add(upsert(FILLS, Op.INSERT, 11, "2", "b"));
    add(upsert(FILLS, Op.UPDATE, 12, "1", "a2"));

    assertThat(reduce().get(FILLS).rows())
        .extracting(e -> e.key().get("id") + "@" + e.lsn())
        .containsExactlyInAnyOrder("1@12", "2@11");
  }

  @Test
  void anInsertThenADeleteOfOneKeyLeavesTheDelete() {
    add(upsert(FILLS, Op.INSERT, 10, "1", "born"));
    add(delete(FILLS, 20, "1"));

    assertThat(reduce().get(FILLS).rows())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.op()).isEqualTo(Op.DELETE);
              assertThat(e.lsn()).isEqualTo(20);
            });
  }

  @Test
  void anUpdateThatDidNotResendAToastedColumnTakesItsValueFromAnEarlierChangeInTheBatch() {
    add(upsert(FILLS, Op.INSERT, 10, "1", "big text"));
    add(
        new ChangeEvent(
            FILLS, Op.UPDATE, 20, 2, 0, key("1"), Map.of("id", "1", "qty", "5"), Set.of("note")));

    ChangeEvent e = reduce().get(FILLS).rows().get(0);

    assertThat(e.op()).isEqualTo(Op.UPDATE);
    assertThat(e.lsn()).isEqualTo(20);
    assertThat(e.after())
        .containsEntry("note", "big text")
        .containsEntry("qty", "5")
        .containsEntry("id", "1");
    assertThat(e.unchanged()).isEmpty();
  }

  @Test
  void anUnchangedColumnWithNoEarlierValueInTheBatchStaysUnchanged() {
    add(
        new ChangeEvent(
            FILLS, Op.UPDATE, 20, 2, 0, key("1"), Map.of("id", "1", "qty", "5"), Set.of("note")));

    ChangeEvent e = reduce().get(FILLS).rows().get(0);

    assertThat(e.unchanged()).containsExactly("note");
    assertThat(e.after()).doesNotContainKey("note");
  }

  @Test
  void aTruncateRecordsItsHighestPositionForItsTableOnly() {
    add(upsert(FILLS, Op.INSERT, 10, "1", "x"));
    add(truncate(FILLS, 15));
    add(truncate(FILLS, 25));
    add(upsert(VENUES, Op.INSERT, 30, "XNAS", "v"));

    Map<TableId, TableBatch> reduced = reduce();

    assertThat(reduced.get(FILLS).truncateLsn()).isEqualTo(25);
    assertThat(reduced.get(VENUES).truncateLsn()).as("no truncate").isEqualTo(-1);
    assertThat(reduced.get(FILLS).rows()).hasSize(1);
  }

  @Test
  void aTruncateAloneStillYieldsABatchForItsTable() {
    add(truncate(VENUES, 40));

    assertThat(reduce())
        .containsOnlyKeys(VENUES)
        .extractingByKey(VENUES)
        .satisfies(
            b -> {
              assertThat(b.rows()).isEmpty();
              assertThat(b.truncateLsn()).isEqualTo(40);
            });
  }

  private Map<TableId, TableBatch> reduce() {
    return BatchReducer.reduce(batch);
  }

  private void add(ChangeEvent e) {
    batch.add(new KeyedChange(e, 0, batch.size()));
  }

  private static Map<String, String> key(String id) {
    return Map.of("id", id);
  }

  private static ChangeEvent upsert(TableId t, Op op, long lsn, String id, String note) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("note", note);
    row.put("qty", "1");
    return new ChangeEvent(t, op, lsn, lsn, 0, key(id), row, Set.of());
  }

  private static ChangeEvent delete(TableId t, long lsn, String id) {
    return new ChangeEvent(t, Op.DELETE, lsn, lsn, 0, key(id), null, Set.of());
  }

  private static ChangeEvent truncate(TableId t, long lsn) {
    return new ChangeEvent(t, Op.TRUNCATE, lsn, lsn, 0, Map.of(), null, Set.of());
  }
}
