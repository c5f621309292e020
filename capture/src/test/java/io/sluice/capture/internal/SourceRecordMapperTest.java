package io.sluice.capture.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.time.MicroTimestamp;
import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SourceRecordMapperTest {
  private static final TableId FILLS = new TableId("public", "fills");
  private static final TableSchema FILLS_SCHEMA =
      new TableSchema(
          FILLS,
          List.of(
              new ColumnSchema("id", "bigint", false),
              new ColumnSchema("venue", "text", false),
              new ColumnSchema("note", "text", true),
              new ColumnSchema("blob", "bytea", true),
              new ColumnSchema("px", "numeric(38,18)", true)),
          List.of("venue", "id"));

  private static final Schema SOURCE =
      SchemaBuilder.struct()
          .name("io.debezium.connector.postgresql.Source")
          .field("schema", Schema.STRING_SCHEMA)
          .field("table", Schema.STRING_SCHEMA)
          .field("ts_ms", Schema.INT64_SCHEMA)
          .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
          .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
          .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
          .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
          .build();

  /** A row as PostgresTextConverter makes it: every column an optional string. */
  private static final Schema ROW =
      SchemaBuilder.struct()
          .name("sluice.public.fills.Value")
          .optional()
          .field("id", Schema.OPTIONAL_STRING_SCHEMA)
          .field("venue", Schema.OPTIONAL_STRING_SCHEMA)
          .field("note", Schema.OPTIONAL_STRING_SCHEMA)
          .field("blob", Schema.OPTIONAL_STRING_SCHEMA)
          .field("px", Schema.OPTIONAL_STRING_SCHEMA)
          .build();

  private final SourceRecordMapper mapper =
      new SourceRecordMapper(t -> t.equals(FILLS) ? Optional.of(FILLS_SCHEMA) : Optional.empty());

  @Test
  void anInsertCarriesItsPositionTransactionTimeKeyAndFullRow() {
    ChangeEvent e =
        map(envelope(ROW, "c", FILLS, 0x16B374D848L, null, row(7, "XNAS", "hi", "ab", "1.5")));

    assertThat(e.op()).isEqualTo(Op.INSERT);
    assertThat(e.table()).isEqualTo(FILLS);
    assertThat(e.lsn()).isEqualTo(0x16B374D848L);
    assertThat(e.txId()).isEqualTo(4711);
    assertThat(e.sourceTsMicros()).isEqualTo(1_700_000_000_123_456L);
    assertThat(e.key()).containsExactly(Map.entry("venue", "XNAS"), Map.entry("id", "7"));
    assertThat(e.after())
        .containsExactly(
            Map.entry("id", "7"),
            Map.entry("venue", "XNAS"),
            Map.entry("note", "hi"),
            Map.entry("blob", "\\x6162"),
            Map.entry("px", "1.5"));
    assertThat(e.unchanged()).isEmpty();
  }

  @Test
  void anUpdateCarriesTheNewRowAndANullStaysNull() {
    ChangeEvent e =
        map(
            envelope(
                ROW,
                "u",
                FILLS,
                200L,
                row(7, "XNAS", "old", null, "1"),
                row(7, "XNAS", null, null, "2")));

    assertThat(e.op()).isEqualTo(Op.UPDATE);
    assertThat(e.lsn()).isEqualTo(200L);
    assertThat(e.after()).containsEntry("note", null).containsEntry("px", "2");
  }

  @Test
  void aDeleteTakesItsKeyFromTheOldRowAndHasNoRowImage() {
    Struct before = new Struct(ROW).put("id", "7").put("venue", "XNAS");
    ChangeEvent e = map(envelope(ROW, "d", FILLS, 300L, before, null));

    assertThat(e.op()).isEqualTo(Op.DELETE);
    assertThat(e.key()).containsExactly(Map.entry("venue", "XNAS"), Map.entry("id", "7"));
    assertThat(e.after()).isNull();
  }

  @Test
  void aTruncateHasNoKeyAndNoRow() {
    ChangeEvent e = map(envelope(ROW, "t", FILLS, 400L, null, null));

    assertThat(e.op()).isEqualTo(Op.TRUNCATE);
    assertThat(e.lsn()).isEqualTo(400L);
    assertThat(e.key()).isEmpty();
    assertThat(e.after()).isNull();
  }

  @Test
  void theCommitBeforeAChangesTransactionIsReadFromDebeziumsSequence() {
    Schema withSequence =
        SchemaBuilder.struct().field("sequence", Schema.OPTIONAL_STRING_SCHEMA).build();
    assertThat(
            SourceRecordMapper.lastCommitLsn(
                new Struct(withSequence).put("sequence", "[\"123456789012\",\"456\"]")))
        .isEqualTo(123_456_789_012L);
    assertThat(
            SourceRecordMapper.lastCommitLsn(
                new Struct(withSequence).put("sequence", "[null,\"456\"]")))
        .isZero();
    assertThat(SourceRecordMapper.lastCommitLsn(new Struct(SOURCE))).isZero();
  }

  @Test
  void aSnapshotRowTakesPositionZeroWhateverLsnItCarries() {
    ChangeEvent e =
        map(envelope(ROW, "r", FILLS, 0x16B374D848L, null, row(1, "XLON", null, null, null)));

    assertThat(e.op()).isEqualTo(Op.SNAPSHOT);
    assertThat(e.lsn()).isZero();
  }

  @Test
  void unchangedToastPlaceholdersAreMarkedUnchangedNotCarried() {
    String unchanged = SourceRecordMapper.UNCHANGED_PLACEHOLDER;
    Struct after = row(7, "XNAS", unchanged, null, "3").put("blob", unchanged);
    ChangeEvent e = map(envelope(ROW, "u", FILLS, 500L, null, after));

    assertThat(e.unchanged()).containsExactlyInAnyOrder("note", "blob");
    assertThat(e.after()).doesNotContainKeys("note", "blob").containsEntry("px", "3");
  }

  @Test
  void thePlaceholderIsUnguessableSoAStoredValueLikeTheOldFixedOneIsCarried() {
    assertThat(SourceRecordMapper.UNCHANGED_PLACEHOLDER)
        .startsWith("__sluice_unchanged_toast_")
        .hasSizeGreaterThan("__sluice_unchanged_toast__".length() + 30);
    ChangeEvent e =
        map(
            envelope(
                ROW, "c", FILLS, 1L, null, row(1, "X", "__sluice_unchanged_toast__", null, null)));

    assertThat(e.unchanged()).isEmpty();
    assertThat(e.after()).containsEntry("note", "__sluice_unchanged_toast__");
  }

  @Test
  void aColumnOutsideTheGivenStructureIsLeftOutOfTheChange() {
    // SchemaTracker gives the structure a record was written with; a column it leaves out existed
    // only between changes capture never saw, and nothing needs its values.
    Schema wider =
        SchemaBuilder.struct()
            .optional()
            .field("id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("venue", Schema.OPTIONAL_STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("blob", Schema.OPTIONAL_STRING_SCHEMA)
            .field("px", Schema.OPTIONAL_STRING_SCHEMA)
            .field("added_and_dropped", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    Struct after =
        new Struct(wider).put("id", "1").put("venue", "X").put("added_and_dropped", "gone");

    ChangeEvent e = mapper.map(envelope(wider, "c", FILLS, 9L, null, after)).orElseThrow();

    assertThat(e.after()).containsEntry("venue", "X").doesNotContainKey("added_and_dropped");
  }

  @Test
  void aGeneratedColumnIsNeitherExpectedInARecordNorCarried() {
    TableSchema withGenerated =
        new TableSchema(
            FILLS,
            List.of(
                new ColumnSchema("id", "bigint", false),
                new ColumnSchema("venue", "text", false),
                ColumnSchema.generated("venue_lower", "text", true, "lower(venue)", 3)),
            List.of("venue", "id"));
    SourceRecordMapper generatedMapper = new SourceRecordMapper(t -> Optional.of(withGenerated));
    Schema streamed =
        SchemaBuilder.struct()
            .optional()
            .field("id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("venue", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    Struct after = new Struct(streamed).put("id", "1").put("venue", "X");

    ChangeEvent e =
        generatedMapper.map(envelope(streamed, "c", FILLS, 9L, null, after)).orElseThrow();

    assertThat(e.after()).containsOnlyKeys("id", "venue");
  }

  @Test
  void anAfterImageWithoutACatalogColumnIsRefusedNamingTableAndColumn() {
    Schema narrower =
        SchemaBuilder.struct()
            .optional()
            .field("id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("venue", Schema.OPTIONAL_STRING_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("px", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    Struct after = new Struct(narrower).put("id", "1").put("venue", "X");

    assertThatThrownBy(() -> mapper.map(envelope(narrower, "c", FILLS, 9L, null, after)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("public.fills")
        .hasMessageContaining("column blob");
  }

  @Test
  void aValueThatDidNotPassThroughTheConverterIsRefusedNamingTableAndColumn() {
    TableId events = new TableId("audit", "events");
    TableSchema schema =
        new TableSchema(
            events,
            List.of(
                new ColumnSchema("id", "integer", false),
                new ColumnSchema("at", "timestamp without time zone", true)),
            List.of("id"));
    Schema row =
        SchemaBuilder.struct()
            .optional()
            .field("id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("at", MicroTimestamp.builder().optional().build())
            .build();
    Struct after = new Struct(row).put("id", "1").put("at", 1L);
    SourceRecordMapper m = new SourceRecordMapper(t -> Optional.of(schema));

    assertThatThrownBy(() -> m.map(envelope(row, "c", events, 9L, null, after)))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("audit.events")
        .hasMessageContaining("column at of type timestamp without time zone")
        .hasMessageContaining("java.lang.Long");
  }

  @Test
  void recordsOfTablesNotCapturedMapToEmpty() {
    TableId other = new TableId("sluice", "heartbeat");
    assertThat(mapper.map(envelope(ROW, "u", other, 1L, null, row(1, "X", null, null, null))))
        .isEmpty();
  }

  @Test
  void heartbeatsAndOtherNonEnvelopeRecordsMapToEmpty() {
    Schema heartbeat =
        SchemaBuilder.struct()
            .name("io.debezium.connector.common.Heartbeat")
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    SourceRecord beat =
        new SourceRecord(
            Map.of("server", "p"),
            Map.of("lsn", 1L),
            "__debezium-heartbeat.p",
            null,
            heartbeat,
            new Struct(heartbeat).put("ts_ms", 1L));
    SourceRecord tombstone =
        new SourceRecord(Map.of(), Map.of(), "t", null, null, null, null, null);

    assertThat(mapper.map(beat)).isEmpty();
    assertThat(mapper.map(tombstone)).isEmpty();
  }

  @Test
  void withoutMicrosecondsTheCommitTimeComesFromMilliseconds() {
    SourceRecord r = envelope(ROW, "c", FILLS, 1L, null, row(1, "X", null, null, null));
    ((Struct) r.value()).getStruct("source").put("ts_us", null);

    assertThat(map(r).sourceTsMicros()).isEqualTo(1_700_000_000_123_000L);
  }

  private ChangeEvent map(SourceRecord record) {
    return mapper.map(record).orElseThrow();
  }

  private static Struct row(long id, String venue, String note, String blob, String px) {
    return new Struct(ROW)
        .put("id", Long.toString(id))
        .put("venue", venue)
        .put("note", note)
        .put("blob", blob == null ? null : PostgresTextFormatter.format(blob.getBytes(UTF_8)))
        .put("px", px);
  }

  /** A record shaped like the PostgreSQL connector's change envelope. */
  private static SourceRecord envelope(
      Schema row, String op, TableId table, Long lsn, Struct before, Struct after) {
    Schema envelope =
        SchemaBuilder.struct()
            .name("sluice." + table + ".Envelope")
            .field("before", row)
            .field("after", row)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    Struct source =
        new Struct(SOURCE)
            .put("schema", table.schema())
            .put("table", table.table())
            .put("ts_ms", 1_700_000_000_123L)
            .put("ts_us", 1_700_000_000_123_456L)
            .put("snapshot", op.equals("r") ? "true" : "false")
            .put("txId", 4711L)
            .put("lsn", lsn);
    Struct value =
        new Struct(envelope)
            .put("before", before)
            .put("after", after)
            .put("source", source)
            .put("op", op);
    return new SourceRecord(
        Map.of("server", "sluice"), Map.of("lsn", lsn), "topic", null, envelope, value);
  }
}
