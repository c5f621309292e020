package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * How the tracker works out the structure a record was written with when capture reads it after
 * migrations: by name, by the structure known before, by place between matched columns.
 */
class SchemaTrackerTest {
  private static final TableId BOOKS = new TableId("public", "books");

  private static final Schema SOURCE =
      SchemaBuilder.struct()
          .field("schema", Schema.STRING_SCHEMA)
          .field("table", Schema.STRING_SCHEMA)
          .field("ts_ms", Schema.INT64_SCHEMA)
          .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
          .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
          .build();

  /** id (attnum 1, the key), name text (2), qty integer (3), as capture started. */
  private static final TableSchema AT_START =
      new TableSchema(
          BOOKS,
          List.of(
              new ColumnSchema("id", "integer", false, null, 1),
              new ColumnSchema("name", "text", false, null, 2),
              new ColumnSchema("qty", "integer", true, null, 3)),
          List.of("id"));

  private TableSchema catalogNow = AT_START;
  private TableAttributes attributesNow =
      attributes(Map.of(1, "id", 2, "name", 3, "qty"), Set.of());

  private final SchemaTracker tracker =
      new SchemaTracker(
          Map.of(BOOKS, AT_START),
          new SchemaTracker.Catalog() {
            @Override
            public TableSchema describe(TableId table) {
              return catalogNow;
            }

            @Override
            public TableAttributes attributes(TableId table) {
              return attributesNow;
            }
          });

  @Test
  void aChangeWrittenBeforeARenameIsReadWithTheOldNameAndTheRenamedColumnKeepsItsAttribute()
      throws Exception {
    // renamed name -> title while capture was behind
    catalogNow = schema(col("id", "integer", 1), col("title", "text", 2), col("qty", "integer", 3));
    attributesNow = attributes(Map.of(1, "id", 2, "title", 3, "qty"), Set.of());

    ChangeEvent before = tracker.observe(record("id", "name", "qty")).orElseThrow();
    assertThat(before.schema().columns())
        .extracting(ColumnSchema::name, ColumnSchema::attnum)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("id", 1),
            org.assertj.core.groups.Tuple.tuple("name", 2),
            org.assertj.core.groups.Tuple.tuple("qty", 3));

    ChangeEvent after = tracker.observe(record("id", "title", "qty")).orElseThrow();
    assertThat(after.schema().column("title").attnum()).isEqualTo(2);
    assertThat(tracker.schemaOf(BOOKS).orElseThrow().columnNames())
        .containsExactly("id", "title", "qty");
  }

  @Test
  void aDroppedColumnIsReadWithTheTypeItHadAndAddedOnesAreTakenFromTheCatalog() throws Exception {
    // qty widened to bigint, name dropped, note added
    catalogNow = schema(col("id", "integer", 1), col("qty", "bigint", 3), col("note", "text", 4));
    attributesNow =
        attributes(
            Map.of(1, "id", 2, "........pg.dropped.2........", 3, "qty", 4, "note"), Set.of(2));

    tracker.observe(record("id", "name", "qty"));
    TableSchema old = tracker.schemaOf(BOOKS).orElseThrow();
    assertThat(old.columnNames()).containsExactly("id", "name", "qty");
    assertThat(old.column("name").type()).isEqualTo("text");
    assertThat(old.column("qty").type()).isEqualTo("bigint"); // widened early: harmless

    ChangeEvent now = tracker.observe(record("id", "qty", "note")).orElseThrow();
    assertThat(now.schema().columnNames()).containsExactly("id", "qty", "note");
  }

  @Test
  void aColumnAddedAndDroppedBetweenChangesCaptureNeverSawIsLeftOut() throws Exception {
    attributesNow =
        attributes(
            Map.of(1, "id", 2, "name", 3, "qty", 4, "........pg.dropped.4........"), Set.of(4));

    tracker.observe(record("id", "name", "qty", "tmp"));

    assertThat(tracker.schemaOf(BOOKS).orElseThrow().columnNames())
        .containsExactly("id", "name", "qty");
  }

  @Test
  void aColumnDroppedAndAddedAgainUnderItsNameIsRefusedNamingIt() throws Exception {
    tracker.observe(record("id", "name", "qty")); // known as attnum 2
    catalogNow = schema(col("id", "integer", 1), col("qty", "integer", 3), col("name", "text", 4));
    attributesNow =
        attributes(
            Map.of(1, "id", 2, "........pg.dropped.2........", 3, "qty", 4, "name"), Set.of(2));

    assertThatThrownBy(() -> tracker.observe(record("id", "qty", "name")))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("column name of public.books was dropped and added again");
  }

  @Test
  void generatedColumnsJoinFromTheCatalogAndNeitherThemNorExcludedOnesAreTakenByPlace()
      throws Exception {
    // secret (2) is excluded from capture, total (4) is generated; qty (3) was renamed to amount
    // and then to count while capture was behind.
    ColumnSchema total = ColumnSchema.generated("total", "bigint", true, "(qty * 2)", 4);
    TableSchema atStart = schema(col("id", "integer", 1), col("qty", "integer", 3), total);
    TableSchema now = schema(col("id", "integer", 1), col("count", "integer", 3), total);
    TableAttributes attributes =
        attributes(Map.of(1, "id", 2, "secret", 3, "count", 4, "total"), Set.of());
    SchemaTracker withGenerated =
        new SchemaTracker(
            Map.of(BOOKS, atStart),
            new SchemaTracker.Catalog() {
              @Override
              public TableSchema describe(TableId table) {
                return now;
              }

              @Override
              public TableAttributes attributes(TableId table) {
                return attributes;
              }
            });

    ChangeEvent e = withGenerated.observe(record("id", "amount")).orElseThrow();

    assertThat(e.schema().columns())
        .extracting(ColumnSchema::name, ColumnSchema::attnum, ColumnSchema::isGenerated)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("id", 1, false),
            org.assertj.core.groups.Tuple.tuple("amount", 3, false),
            org.assertj.core.groups.Tuple.tuple("total", 4, true));
  }

  private static ColumnSchema col(String name, String type, int attnum) {
    return new ColumnSchema(name, type, !name.equals("id"), null, attnum);
  }

  private static TableSchema schema(ColumnSchema... columns) {
    return new TableSchema(BOOKS, List.of(columns), List.of("id"));
  }

  private static TableAttributes attributes(Map<Integer, String> names, Set<Integer> dropped) {
    return new TableAttributes(new TreeMap<>(names), dropped);
  }

  /** An insert of a row with these columns, under a record schema of its own. */
  private static SourceRecord record(String... columns) {
    SchemaBuilder row = SchemaBuilder.struct().optional();
    for (String c : columns) {
      row.field(c, Schema.OPTIONAL_STRING_SCHEMA);
    }
    Schema rowSchema = row.build();
    Schema envelope =
        SchemaBuilder.struct()
            .field("before", rowSchema)
            .field("after", rowSchema)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .build();
    Struct after = new Struct(rowSchema);
    for (String c : columns) {
      after.put(c, "1");
    }
    Struct source =
        new Struct(SOURCE)
            .put("schema", "public")
            .put("table", "books")
            .put("ts_ms", 1L)
            .put("txId", 7L)
            .put("lsn", 100L);
    Struct value = new Struct(envelope).put("after", after).put("source", source).put("op", "c");
    return new SourceRecord(Map.of(), Map.of(), "t", null, envelope, value);
  }
}
