package io.sluice.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.UserType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChangeEventCodecTest {
  private static final TableId FILLS = new TableId("public", "fills");
  private static final String BIG_NUMERIC =
      "-123456789012345678901234567890123456789012345678901234567890.000000000000000000000000001";

  private final ChangeEventCodec codec = new ChangeEventCodec();

  static Stream<ChangeEvent> events() {
    return Stream.of(
        new ChangeEvent(
            FILLS,
            Op.INSERT,
            0x16B374D848L,
            771,
            1_718_000_000_123_456L,
            row("id", "1"),
            row("id", "1", "qty", BIG_NUMERIC, "note", null, "venue", ""),
            Set.of()),
        new ChangeEvent(
            new TableId("Sales Data", "Ünïcode \"tbl\""),
            Op.UPDATE,
            -1L, // the unsigned maximum: must survive as a 64-bit pattern
            Long.MAX_VALUE,
            0,
            row("id", "🚀", "région", "e\u0301"),
            row(
                "id", "🚀",
                "région", "e\u0301",
                "family", "👩‍👩‍👧 family",
                "hebrew", "שלום עולם",
                "arabic", "مرحبا بالعالم",
                "controls", "\u0001\t\n\r\u001b\u001f\u007f",
                "separators", "\u2028\u2029",
                "quotes", "\"a\\b\" 'c' {\"json\":[1]}",
                "payload", "x"),
            Set.of("payload", "blob", "doc")),
        new ChangeEvent(FILLS, Op.DELETE, 5, 6, 7, row("id", "1", "leg", null), null, Set.of()),
        new ChangeEvent(FILLS, Op.TRUNCATE, 8, 9, 10, Map.of(), null, Set.of()),
        new ChangeEvent(FILLS, Op.SNAPSHOT, 0, 0, 0, row("id", "2"), row("id", "2"), Set.of()),
        ChangeEvent.schemaChange(
            new TableSchema(
                FILLS,
                List.of(
                    new ColumnSchema("id", "bigint", false),
                    new ColumnSchema("px", "numeric(38,18)", true, "0.5"),
                    new ColumnSchema("Ünï \"col\"", "character varying(20)[]", true)),
                List.of("id")),
            11,
            12,
            13),
        ChangeEvent.schemaChange(
            new TableSchema(
                FILLS,
                List.of(
                    new ColumnSchema("id", "bigint", false),
                    new ColumnSchema("side", "\"Trade Kinds\".side", true),
                    new ColumnSchema("qty", "public.lots", false, "1")),
                List.of("id"),
                List.of(
                    UserType.enumOf("Trade Kinds", "side", List.of("buy", "sell", "it's")),
                    UserType.domainOf(
                        "public",
                        "lots",
                        "numeric(12,0)",
                        true,
                        "1",
                        List.of("CHECK ((VALUE > (0)::numeric))", "CHECK ((VALUE < 1e9))")))),
            14,
            15,
            16));
  }

  @Test
  void aChangeOfATableWithoutAKeyKeepsItsOldRowAndItsPositionInStreamOrder() {
    ChangeEvent insert =
        ChangeEvent.keyless(FILLS, Op.INSERT, 7, 100, 3, 5, Map.of(), row("id", "1"));
    ChangeEvent update =
        ChangeEvent.keyless(FILLS, Op.UPDATE, 7, 101, 3, 5, row("id", "1"), row("id", "2"));
    ChangeEvent snapshot =
        ChangeEvent.keyless(FILLS, Op.SNAPSHOT, -1, 1, 0, 0, Map.of(), row("id", "1"));

    for (ChangeEvent e : List.of(insert, update, snapshot)) {
      assertThat(codec.decode(codec.encode(e))).isEqualTo(e);
    }
    assertThat(codec.decode(codec.encode(update)).commitOrder()).isEqualTo(7);
    assertThat(insert.isKeyless()).isTrue();
    assertThatThrownBy(
            () -> ChangeEvent.keyless(FILLS, Op.INSERT, 0, 1, 1, 1, Map.of(), row("id", "1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new ChangeEvent(FILLS, Op.INSERT, 1, 1, 1, Map.of(), row("id", "1"), Set.of()))
        .as("a change of a keyed table names its key")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSchemaEventCarriesItsSchemaAndOnlyItDoes() {
    TableSchema schema =
        new TableSchema(FILLS, List.of(new ColumnSchema("id", "bigint", false)), List.of("id"));

    assertThatThrownBy(
            () -> new ChangeEvent(FILLS, Op.SCHEMA, 1, 1, 1, Map.of(), null, Set.of(), null, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new ChangeEvent(
                    FILLS, Op.INSERT, 1, 1, 1, row("id", "1"), row("id", "1"), Set.of(), schema, 0))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] noColumns =
        "{\"v\":1,\"schema\":\"public\",\"table\":\"fills\",\"op\":\"s\",\"lsn\":1}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(noColumns))
        .hasMessageContaining("schema event of public.fills lacks its columns");
  }

  @ParameterizedTest
  @MethodSource("events")
  void roundTripsEveryFieldExactly(ChangeEvent event) {
    ChangeEvent decoded = codec.decode(codec.encode(event));

    assertThat(decoded).isEqualTo(event);
    assertThat(new ArrayList<>(decoded.key().keySet()))
        .containsExactlyElementsOf(event.key().keySet());
    if (event.after() != null) {
      assertThat(new ArrayList<>(decoded.after().keySet()))
          .as("column order")
          .containsExactlyElementsOf(event.after().keySet());
    }
  }

  @Test
  void keepsSqlNullApartFromTheTextNullAndTheEmptyString() {
    ChangeEvent e =
        new ChangeEvent(
            FILLS,
            Op.INSERT,
            1,
            1,
            1,
            row("id", "1"),
            row("a", null, "b", "null", "c", ""),
            Set.of());

    Map<String, String> after = codec.decode(codec.encode(e)).after();

    assertThat(after).containsEntry("a", null).containsEntry("b", "null").containsEntry("c", "");
  }

  @Test
  void encodesTheSameEventToTheSameBytes() {
    ChangeEvent e = events().skip(1).findFirst().orElseThrow();

    byte[] first = codec.encode(e);

    assertThat(codec.encode(e)).isEqualTo(first);
    assertThat(new String(first, StandardCharsets.UTF_8))
        .startsWith("{\"v\":2,")
        .contains("\"unchanged\":[\"blob\",\"doc\",\"payload\"]");
  }

  @Test
  void refusesAnUnknownVersionEvenWhenItsFieldsAreUnfamiliar() {
    byte[] v4 =
        "{\"v\":4,\"schema\":\"public\",\"table\":\"fills\",\"op\":\"m\",\"key\":[\"1\"]}"
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(v4))
        .isInstanceOf(SluiceException.class)
        .hasMessage(
            "change event version 4 is not supported (this build reads 1 to 3); upgrade the apply"
                + " workers");
  }

  @Test
  void onlyASchemaEventWithAGeneratedColumnOrAnExtensionsTypeNeedsTheThirdLayout() {
    TableSchema plain =
        new TableSchema(
            FILLS,
            List.of(new ColumnSchema("id", "bigint", false), new ColumnSchema("qty", "int", true)),
            List.of("id"));
    TableSchema generated =
        new TableSchema(
            FILLS,
            List.of(
                new ColumnSchema("id", "bigint", false, null, 1),
                new ColumnSchema("qty", "integer", true, null, 2),
                ColumnSchema.generated("double_qty", "integer", true, "(qty * 2)", 3)),
            List.of("id"));
    TableSchema extension =
        new TableSchema(
            FILLS,
            List.of(
                new ColumnSchema("id", "bigint", false), new ColumnSchema("tags", "hstore", true)),
            List.of("id"),
            List.of(UserType.extensionOf("public", "hstore", "hstore")));

    for (TableSchema s : List.of(plain, generated, extension)) {
      byte[] bytes = codec.encode(ChangeEvent.schemaChange(s, 5, 6, 7));
      assertThat(codec.decode(bytes).schema()).isEqualTo(s);
      assertThat(new String(bytes, StandardCharsets.UTF_8))
          .startsWith(s == plain ? "{\"v\":2," : "{\"v\":3,");
    }
  }

  @Test
  void readsEventsOfTheFirstLayoutStillHeldInKafka() {
    byte[] v1 =
        ("{\"v\":1,\"schema\":\"public\",\"table\":\"fills\",\"op\":\"u\",\"lsn\":7,"
                + "\"tx\":3,\"ts\":5,\"key\":{\"id\":\"1\"},\"after\":{\"id\":\"1\",\"px\":\"2.5\"}}")
            .getBytes(StandardCharsets.UTF_8);

    ChangeEvent e = codec.decode(v1);

    assertThat(e.op()).isEqualTo(Op.UPDATE);
    assertThat(e.lsn()).isEqualTo(7);
    assertThat(e.after()).containsEntry("px", "2.5");
  }

  @Test
  void aReloadRoundTripsForKeyedAndKeylessTables() {
    TableId t = new TableId("public", "fills");
    ChangeEvent keyed =
        new ChangeEvent(t, Op.RELOAD, 24_000_000L, 0, 9, Map.of(), null, java.util.Set.of());
    ChangeEvent keyless = ChangeEvent.keyless(t, Op.RELOAD, -1, 0, 0, 9, Map.of(), null);

    assertThat(codec.decode(codec.encode(keyed))).isEqualTo(keyed);
    assertThat(codec.decode(codec.encode(keyless))).isEqualTo(keyless);
  }

  @Test
  void namesWhatIsWrongWithAMalformedEvent() {
    assertThatThrownBy(() -> codec.decode(bytes("{\"schema\":\"public\",\"table\":\"t\"}")))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("no version field");
    assertThatThrownBy(() -> codec.decode(bytes("{\"v\":1,\"schema\":\"public\",\"op\":\"c\"}")))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("schema, table and op are required");
    assertThatThrownBy(
            () ->
                codec.decode(
                    bytes(
                        "{\"v\":1,\"schema\":\"public\",\"table\":\"t\",\"op\":\"c\","
                            + "\"key\":{\"id\":\"1\"}}")))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("malformed")
        .hasMessageContaining("has no row image");
    assertThatThrownBy(
            () ->
                codec.decode(
                    bytes(
                        "{\"v\":1,\"schema\":\"public\",\"table\":\"t\",\"op\":\"\","
                            + "\"key\":{\"id\":\"1\"}}")))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("unknown change op code ''");
    assertThatThrownBy(() -> codec.decode(bytes("not json")))
        .isInstanceOf(SluiceException.class)
        .hasMessageStartingWith("change event is not valid JSON");
  }

  @Test
  void encodesKeysStablyAndDistinctly() {
    Map<String, String> key = row("id", "1", "leg", "2");

    byte[] reference = codec.encodeKey(FILLS, key);

    assertThat(codec.encodeKey(new TableId("public", "fills"), row("id", "1", "leg", "2")))
        .isEqualTo(reference);
    List<byte[]> others =
        List.of(
            codec.encodeKey(new TableId("public", "fills2"), key),
            codec.encodeKey(new TableId("audit", "fills"), key),
            codec.encodeKey(FILLS, row("id", "1", "leg", "3")),
            codec.encodeKey(FILLS, row("id", "1,2")),
            codec.encodeKey(FILLS, row("id", "1")),
            codec.encodeKey(FILLS, row("id", null)),
            codec.encodeKey(FILLS, row("id", "null")));
    for (byte[] other : others) {
      assertThat(other).isNotEqualTo(reference);
    }
    assertThat(others.stream().map(Arrays::toString).distinct()).hasSize(others.size());
    // A dot in a name must not let two different tables share a key.
    assertThat(codec.encodeKey(new TableId("a", "b.c"), row("id", "1")))
        .isNotEqualTo(codec.encodeKey(new TableId("a.b", "c"), row("id", "1")));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** An ordered map from alternating names and values; values may be null. */
  private static Map<String, String> row(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }
}
