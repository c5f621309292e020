package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.apply.internal.BatchReducer.TableBatch;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RenamedColumnsTest {
  private static final TableId FILLS_ID = new TableId("public", "fills");
  private static final TableSchema FILLS =
      new TableSchema(
          FILLS_ID,
          List.of(
              new ColumnSchema("id", "bigint", false),
              new ColumnSchema("price", "numeric", true),
              new ColumnSchema("memo", "text", true)),
          List.of("id"));
  private static final TableSchema LOG =
      new TableSchema(
          new TableId("public", "log"), List.of(new ColumnSchema("line", "text", true)), List.of());

  @Test
  void aColumnRenamedTwiceResolvesToItsNameNow() {
    assertThat(RenamedColumns.resolved(Map.of("px", "amount", "amount", "price")))
        .containsOnly(Map.entry("px", "price"), Map.entry("amount", "price"));
  }

  @Test
  void renamesThatComeBackRoundStillEnd() {
    assertThat(RenamedColumns.resolved(Map.of("a", "b", "b", "a"))).containsOnlyKeys("a", "b");
  }

  @Test
  void aChangeWrittenUnderAnOldNameIsMovedToTheNameNow() {
    ChangeEvent late =
        new ChangeEvent(
            FILLS_ID,
            Op.UPDATE,
            10,
            10,
            0,
            row("id", "1"),
            row("id", "1", "px", "1.5"),
            Set.of("note"));
    TableBatch batch = new TableBatch(FILLS_ID, List.of(late), 7);

    TableBatch moved =
        RenamedColumns.underCurrentNames(FILLS, Map.of("px", "price", "note", "memo"), batch);

    assertThat(moved.table()).isEqualTo(FILLS_ID);
    assertThat(moved.truncateLsn()).isEqualTo(7);
    ChangeEvent e = moved.rows().get(0);
    assertThat(e.after()).containsExactly(Map.entry("id", "1"), Map.entry("price", "1.5"));
    assertThat(e.unchanged()).containsExactly("memo");
    assertThat(e.key()).containsExactly(Map.entry("id", "1"));
    assertThat(e.lsn()).isEqualTo(10);
    assertThat(e.op()).isEqualTo(Op.UPDATE);
  }

  @Test
  void aColumnTheTargetStillHasUnderAnOldNameKeepsIt() {
    ChangeEvent e =
        new ChangeEvent(
            FILLS_ID, Op.UPDATE, 10, 10, 0, row("id", "1"), row("id", "1", "memo", "m"), Set.of());
    TableBatch batch = new TableBatch(FILLS_ID, List.of(e), -1);

    assertThat(RenamedColumns.underCurrentNames(FILLS, Map.of("memo", "note"), batch))
        .isSameAs(batch);
  }

  @Test
  void withoutRenamesOrStaleNamesTheBatchIsLeftAsItIs() {
    ChangeEvent e =
        new ChangeEvent(
            FILLS_ID, Op.UPDATE, 10, 10, 0, row("id", "1"), row("id", "1", "price", "2"), Set.of());
    TableBatch batch = new TableBatch(FILLS_ID, List.of(e), -1);

    assertThat(RenamedColumns.underCurrentNames(FILLS, Map.of(), batch)).isSameAs(batch);
    assertThat(RenamedColumns.underCurrentNames(FILLS, Map.of("px", "price"), batch))
        .isSameAs(batch);
  }

  @Test
  void twoChangesOfOneRowThatMeetUnderTheNameNowAreReducedToTheNewer() {
    ChangeEvent before =
        new ChangeEvent(
            FILLS_ID, Op.UPDATE, 10, 10, 0, row("id", "1"), row("id", "1", "px", "1"), Set.of());
    ChangeEvent after =
        new ChangeEvent(
            FILLS_ID, Op.UPDATE, 20, 20, 0, row("id", "1"), row("id", "1", "price", "2"), Set.of());
    ChangeEvent other =
        new ChangeEvent(
            FILLS_ID, Op.UPDATE, 15, 15, 0, row("id", "2"), row("id", "2", "px", "3"), Set.of());
    TableBatch batch = new TableBatch(FILLS_ID, List.of(before, other, after), -1);

    List<ChangeEvent> rows =
        RenamedColumns.underCurrentNames(FILLS, Map.of("px", "price"), batch).rows();

    assertThat(rows).extracting(ChangeEvent::lsn).containsExactly(20L, 15L);
    assertThat(rows.get(0).after()).containsEntry("price", "2");
    assertThat(rows.get(1).after()).containsEntry("price", "3").doesNotContainKey("px");
  }

  @Test
  void changesOfATableWithoutAKeyAreMovedButNeverReduced() {
    ChangeEvent first =
        ChangeEvent.keyless(LOG.id(), Op.INSERT, 1, 10, 10, 0, Map.of(), row("text", "a"));
    ChangeEvent second =
        ChangeEvent.keyless(LOG.id(), Op.INSERT, 1, 11, 10, 0, Map.of(), row("text", "a"));
    TableBatch batch = new TableBatch(LOG.id(), List.of(first, second), -1);

    List<ChangeEvent> rows =
        RenamedColumns.underCurrentNames(LOG, Map.of("text", "line"), batch).rows();

    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(e -> assertThat(e.after()).containsExactly(Map.entry("line", "a")));
    assertThat(rows).extracting(ChangeEvent::commitOrder).containsExactly(1L, 1L);
  }

  private static Map<String, String> row(String... columnsAndValues) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      row.put(columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return row;
  }
}
