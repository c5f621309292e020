package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.lang.reflect.Proxy;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PGInterval;

class PostgresTextConverterTest {

  @Test
  void everyColumnBecomesAnOptionalString() {
    List<Schema> registered = new ArrayList<>();
    List<CustomConverter.Converter> converters = new ArrayList<>();
    new PostgresTextConverter()
        .converterFor(
            column("numeric"),
            (schema, converter) -> {
              registered.add(schema.build());
              converters.add(converter);
            });

    assertThat(registered).containsExactly(Schema.OPTIONAL_STRING_SCHEMA);
    assertThat(converters.get(0).convert(null)).isNull();
    assertThat(converters.get(0).convert(42L)).isEqualTo("42");
  }

  @Test
  void everyUnchangedToastMarkerBecomesThePlaceholder() {
    for (Object marker :
        new Object[] {
          UnchangedToastedReplicationMessageColumn.UNCHANGED_TOAST_VALUE,
          UnchangedToastedReplicationMessageColumn.UNCHANGED_TEXT_ARRAY_TOAST_VALUE,
          UnchangedToastedReplicationMessageColumn.UNCHANGED_BINARY_ARRAY_TOAST_VALUE,
          UnchangedToastedReplicationMessageColumn.UNCHANGED_INT_ARRAY_TOAST_VALUE,
          UnchangedToastedReplicationMessageColumn.UNCHANGED_BIGINT_ARRAY_TOAST_VALUE,
          UnchangedToastedReplicationMessageColumn.UNCHANGED_UUID_TOAST_VALUE
        }) {
      assertThat(PostgresTextConverter.convert(marker))
          .isEqualTo(SourceRecordMapper.UNCHANGED_PLACEHOLDER);
    }
  }

  @Test
  void aStoredTextEqualToAnOldFixedPlaceholderIsCarriedAsItIs() {
    assertThat(PostgresTextConverter.convert("__debezium_unavailable_value"))
        .isEqualTo("__debezium_unavailable_value");
  }

  @Test
  void valuesThatLostTheirExactFormBecomeTheRereadPlaceholder() throws Exception {
    assertThat(PostgresTextConverter.convert(OffsetTime.parse("07:00Z")))
        .isEqualTo(SourceRecordMapper.REREAD_PLACEHOLDER);
    // pgjdbc reads infinity as zero, so every zero is read again
    assertThat(PostgresTextConverter.convert(new PGInterval("infinity")))
        .isEqualTo(SourceRecordMapper.REREAD_PLACEHOLDER);
    assertThat(PostgresTextConverter.convert(new PGInterval("00:00:00")))
        .isEqualTo(SourceRecordMapper.REREAD_PLACEHOLDER);
    assertThat(PostgresTextConverter.convert(new PGInterval("0 mons 0 days 00:00:00.000001")))
        .isEqualTo("0 mons 0 days 0:00:00.000001");
  }

  @Test
  void aRefusalKeepsItsReasonInTheCauseThatDebeziumReports() {
    // Debezium reports a failed conversion with table, column and type, and only the cause of
    // the converter's exception
    assertThatThrownBy(() -> PostgresTextConverter.convert(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .cause()
        .hasMessageContaining("java.lang.Object");
  }

  private static RelationalColumn column(String type) {
    return (RelationalColumn)
        Proxy.newProxyInstance(
            RelationalColumn.class.getClassLoader(),
            new Class<?>[] {RelationalColumn.class},
            (proxy, method, args) -> method.getName().equals("typeName") ? type : null);
  }
}
