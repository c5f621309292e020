package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceRowFillerTest {
  private static final TableSchema BOOKS =
      new TableSchema(
          new TableId("Odd \"Schema\"", "books"),
          List.of(
              new ColumnSchema("desk", "character varying(8)", false),
              new ColumnSchema("seq", "bigint", false),
              new ColumnSchema("note", "text", true),
              new ColumnSchema("Doc", "jsonb", true)),
          List.of("desk", "seq"));

  @Test
  void readsTheMissingColumnsAsTextByTheKeyInItsOwnTypes() {
    assertThat(SourceRowFiller.query(BOOKS, List.of("note", "Doc")))
        .isEqualTo(
            "SELECT \"note\"::text, \"Doc\"::text FROM \"Odd \"\"Schema\"\"\".\"books\""
                + " WHERE \"desk\" = CAST(? AS character varying(8))"
                + " AND \"seq\" = CAST(? AS bigint)");
  }

  @Test
  void insertsThatLackTheirToastedValuesAndChangesWithValuesToReadAgainNeedFilling() {
    Map<String, String> key = Map.of("desk", "a", "seq", "1");
    ChangeEvent moved = new ChangeEvent(BOOKS.id(), Op.INSERT, 9, 1, 1, key, key, Set.of("note"));
    ChangeEvent updated = new ChangeEvent(BOOKS.id(), Op.UPDATE, 9, 1, 1, key, key, Set.of("note"));
    ChangeEvent whole = new ChangeEvent(BOOKS.id(), Op.INSERT, 9, 1, 1, key, key, Set.of());

    assertThat(SourceRowFiller.needs(moved)).isTrue();
    assertThat(SourceRowFiller.needs(updated)).isFalse();
    assertThat(SourceRowFiller.needs(whole)).isFalse();

    Map<String, String> lossy = new java.util.LinkedHashMap<>(key);
    lossy.put("note", SourceRecordMapper.REREAD_PLACEHOLDER);
    ChangeEvent updatedLossy =
        new ChangeEvent(BOOKS.id(), Op.UPDATE, 9, 1, 1, key, lossy, Set.of("Doc"));
    ChangeEvent deleted = new ChangeEvent(BOOKS.id(), Op.DELETE, 9, 1, 1, key, null, Set.of());
    assertThat(SourceRowFiller.needs(updatedLossy)).isTrue();
    assertThat(SourceRowFiller.needs(deleted)).isFalse();
  }
}
