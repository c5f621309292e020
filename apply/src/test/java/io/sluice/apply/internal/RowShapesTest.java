package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
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

class RowShapesTest {
  private static final TableId FILLS_ID = new TableId("public", "fills");
  private static final TableSchema FILLS =
      new TableSchema(
          FILLS_ID,
          List.of(
              new ColumnSchema("venue", "text", false),
              new ColumnSchema("id", "bigint", false),
              new ColumnSchema("px", "numeric(38,18)", true),
              new ColumnSchema("note", "text", true)),
          List.of("venue", "id"));
  private static final TableSchema LOG =
      new TableSchema(
          new TableId("public", "log"),
          List.of(new ColumnSchema("line", "text", true), new ColumnSchema("at", "bigint", true)),
          List.of());

  private static final List<String> ALL = List.of("venue", "id", "px", "note");

  @Test
  void aShapeListsTheCarriedColumnsInTargetOrderWhateverOrderTheChangeCarriesThem() {
    ChangeEvent e = upsert(10, "1", "note", "n", "px", "1.5", "id", "1", "venue", "X");

    assertThat(RowShapes.shapeOf(FILLS, e)).containsExactly("venue", "id", "px", "note");
  }

  @Test
  void unchangedToastedColumnsCountAsCarried() {
    ChangeEvent e = update(10, Set.of("note"), "venue", "X", "id", "1", "px", "1.5");

    assertThat(RowShapes.shapeOf(FILLS, e)).isEqualTo(ALL);
    assertThat(RowShapes.carriesExactly(e, ALL)).isTrue();
  }

  @Test
  void aChangeCarriesAShapeExactlyOnlyWithNeitherAColumnMoreNorOneLess() {
    ChangeEvent full = upsert(10, "1", "venue", "X", "id", "1", "px", "1.5", "note", "n");
    ChangeEvent reordered = upsert(11, "1", "note", "n", "venue", "X", "id", "1", "px", "1.5");
    ChangeEvent noNote = upsert(12, "1", "venue", "X", "id", "1", "px", "1.5");

    assertThat(RowShapes.carriesExactly(full, ALL)).isTrue();
    assertThat(RowShapes.carriesExactly(reordered, ALL)).isTrue();
    assertThat(RowShapes.carriesExactly(noNote, ALL)).isFalse();
    assertThat(RowShapes.carriesExactly(full, List.of("venue", "id", "px"))).isFalse();
    assertThat(RowShapes.carriesExactly(noNote, List.of("venue", "id", "note"))).isFalse();
  }

  @Test
  void changesCarryingTheSameColumnsShareOneShape() {
    ChangeEvent a = upsert(10, "1", "venue", "X", "id", "1", "px", "1.5", "note", "n");
    ChangeEvent b = upsert(11, "2", "note", "m", "px", "2", "id", "2", "venue", "X");

    assertThat(RowShapes.byShape(FILLS, List.of(a, b)))
        .containsExactly(Map.entry(ALL, List.of(a, b)));
  }

  @Test
  void changesAroundASchemaChangeAreGroupedByShapeInOrderOfFirstAppearance() {
    ChangeEvent old = upsert(10, "1", "venue", "X", "id", "1", "px", "1.5");
    ChangeEvent full = upsert(11, "2", "venue", "X", "id", "2", "px", "2", "note", "n");
    ChangeEvent oldAgain = upsert(12, "3", "venue", "X", "id", "3", "px", "3");

    Map<List<String>, List<ChangeEvent>> shapes =
        RowShapes.byShape(FILLS, List.of(old, full, oldAgain));

    assertThat(shapes)
        .containsExactly(
            Map.entry(List.of("venue", "id", "px"), List.of(old, oldAgain)),
            Map.entry(ALL, List.of(full)));
  }

  @Test
  void deletesCarryOnlyTheirKeyAndJoinTheFirstShape() {
    ChangeEvent gone = delete(9, "7");
    ChangeEvent old = upsert(10, "1", "venue", "X", "id", "1", "px", "1.5");
    ChangeEvent full = upsert(11, "2", "venue", "X", "id", "2", "px", "2", "note", "n");

    assertThat(RowShapes.byShape(FILLS, List.of(gone, old, full)))
        .containsExactly(
            Map.entry(List.of("venue", "id", "px"), List.of(old, gone)),
            Map.entry(ALL, List.of(full)));
  }

  @Test
  void deletesAloneTakeEveryColumnOfTheTarget() {
    ChangeEvent gone = delete(9, "7");

    assertThat(RowShapes.byShape(FILLS, List.of(gone)))
        .containsExactly(Map.entry(ALL, List.of(gone)));
  }

  @Test
  void noChangesMeanNoShapes() {
    assertThat(RowShapes.byShape(FILLS, List.of())).isEmpty();
  }

  @Test
  void aKeyUpdateThatDidNotResendItsToastedValuesIsRefusedSayingHowToCarryThem() {
    ChangeEvent moved =
        new ChangeEvent(
            FILLS_ID,
            Op.INSERT,
            10,
            10,
            0,
            row("venue", "X", "id", "2"),
            row("venue", "X", "id", "2", "px", "1.5"),
            Set.of("note"));

    assertThatThrownBy(() -> RowShapes.byShape(FILLS, List.of(moved)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("an update of the key of public.fills moved a row to key")
        .hasMessageContaining("(venue, id)=(X, 2) at LSN 10")
        .hasMessageContaining("TOASTed column(s) [note]")
        .hasMessageContaining("Set REPLICA IDENTITY FULL on the source table");
  }

  @Test
  void aValueForAColumnTheTargetDoesNotHaveIsRefused() {
    ChangeEvent e = upsert(10, "1", "venue", "X", "id", "1", "px", "1.5", "colour", "red");

    assertThatThrownBy(() -> RowShapes.shapeOf(FILLS, e))
        .isInstanceOf(SluiceException.class)
        .hasMessage(
            "change to public.fills at LSN 10 carries column colour, which the target table does"
                + " not have; source and target schemas differ and no schema change was announced"
                + " for it");
  }

  @Test
  void aChangeWithoutAValueForAKeyColumnIsRefused() {
    ChangeEvent e = upsert(10, "1", "id", "1", "px", "1.5");

    assertThatThrownBy(() -> RowShapes.shapeOf(FILLS, e))
        .isInstanceOf(SluiceException.class)
        .hasMessage("change to public.fills at LSN 10 has no value for key column venue");
  }

  @Test
  void aRunEndsWhereTheShapeChangesAndAShapeThatComesBackStartsANewRun() {
    List<ChangeEvent> rows =
        List.of(
            insert(1, "line", "a", "at", "1"),
            insert(2, "at", "2", "line", "b"),
            insert(3, "line", "c"),
            insert(4, "line", "d", "at", "4"));

    RowShapes.Run first = RowShapes.runFrom(LOG, rows, 0);
    RowShapes.Run second = RowShapes.runFrom(LOG, rows, 2);
    RowShapes.Run third = RowShapes.runFrom(LOG, rows, 3);

    assertThat(first.columns()).containsExactly("line", "at");
    assertThat(first.rows()).containsExactly(rows.get(0), rows.get(1));
    assertThat(second.columns()).containsExactly("line");
    assertThat(second.rows()).containsExactly(rows.get(2));
    assertThat(third.columns()).containsExactly("line", "at");
    assertThat(third.rows()).containsExactly(rows.get(3));
  }

  @Test
  void aRunFromTheMiddleTakesTheRestWhenAllShareItsShape() {
    List<ChangeEvent> rows =
        List.of(
            insert(1, "line", "a"),
            insert(2, "line", "b", "at", "2"),
            insert(3, "at", "3", "line", "c"));

    assertThat(RowShapes.runFrom(LOG, rows, 1).rows()).containsExactly(rows.get(1), rows.get(2));
  }

  private static Map<String, String> row(String... columnsAndValues) {
    Map<String, String> row = new LinkedHashMap<>();
    for (int i = 0; i < columnsAndValues.length; i += 2) {
      row.put(columnsAndValues[i], columnsAndValues[i + 1]);
    }
    return row;
  }

  private static ChangeEvent upsert(long lsn, String id, String... after) {
    return new ChangeEvent(
        FILLS_ID, Op.UPDATE, lsn, lsn, 0, row("venue", "X", "id", id), row(after), Set.of());
  }

  private static ChangeEvent update(long lsn, Set<String> unchanged, String... after) {
    Map<String, String> row = row(after);
    return new ChangeEvent(
        FILLS_ID,
        Op.UPDATE,
        lsn,
        lsn,
        0,
        row("venue", row.get("venue"), "id", row.get("id")),
        row,
        unchanged);
  }

  private static ChangeEvent delete(long lsn, String id) {
    return new ChangeEvent(
        FILLS_ID, Op.DELETE, lsn, lsn, 0, row("venue", "X", "id", id), null, Set.of());
  }

  private static ChangeEvent insert(long lsn, String... after) {
    return ChangeEvent.keyless(LOG.id(), Op.INSERT, 1, lsn, lsn, 0, Map.of(), row(after));
  }
}
