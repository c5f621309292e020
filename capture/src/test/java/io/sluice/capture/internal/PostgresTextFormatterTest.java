package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.time.Date;
import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.Time;
import io.debezium.time.Timestamp;
import io.debezium.time.ZonedTimestamp;
import io.sluice.core.SluiceException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PostgresTextFormatterTest {

  @Test
  void nullIsSqlNullForEveryType() {
    assertThat(PostgresTextFormatter.format(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    assertThat(PostgresTextFormatter.format(Date.builder().optional().build(), null)).isNull();
    assertThat(PostgresTextFormatter.format("numeric", Schema.OPTIONAL_STRING_SCHEMA, null))
        .isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "1970-01-01, 1970-01-01",
    "2024-02-29, 2024-02-29",
    "0001-01-01, 0001-01-01",
    // ISO year 0 is 1 BC, a leap year in PostgreSQL's proleptic calendar too
    "0000-12-31, 0001-12-31 BC",
    "0000-02-29, 0001-02-29 BC",
    "-0043-03-15, 0044-03-15 BC",
    "-4713-11-24, 4714-11-24 BC",
    "+10000-01-01, 10000-01-01",
    "+5874897-12-31, 5874897-12-31"
  })
  void datesInPostgresqlEraNotation(String iso, String expected) {
    int epochDay = Math.toIntExact(LocalDate.parse(iso).toEpochDay());
    assertThat(PostgresTextFormatter.format(Date.schema(), epochDay)).isEqualTo(expected);
  }

  @Test
  void debeziumsDateInfinityStandInsReadBackAsInfinity() {
    assertThat(format(Date.schema(), LocalDate.parse("-5877611-06-21").toEpochDay()))
        .isEqualTo("infinity");
    assertThat(format(Date.schema(), LocalDate.parse("-5877611-06-22").toEpochDay()))
        .isEqualTo("-infinity");
  }

  @Test
  void aDateOutsidePostgresqlsRangeIsRefusedNotGuessed() {
    // what Debezium's snapshot makes of date 'infinity'
    long junk = LocalDate.parse("-1701532-04-05").toEpochDay();
    assertThatThrownBy(() -> format(Date.schema(), junk))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("1701533-04-05 BC")
        .hasMessageContaining("outside PostgreSQL's range");
    long dayAfterMax = LocalDate.of(5_874_898, 1, 1).toEpochDay();
    assertThatThrownBy(() -> format(Date.schema(), dayAfterMax))
        .isInstanceOf(SluiceException.class);
    long dayBeforeMin = LocalDate.parse("-4713-11-23").toEpochDay();
    assertThatThrownBy(() -> format(Date.schema(), dayBeforeMin))
        .isInstanceOf(SluiceException.class);
  }

  @ParameterizedTest(name = "{0} us")
  @CsvSource({
    "0, 00:00",
    "1, 00:00:00.000001",
    "45296000001, 12:34:56.000001",
    "86399999999, 23:59:59.999999",
    "86400000000, 24:00:00"
  })
  void microTimes(long micros, String expected) {
    assertThat(PostgresTextFormatter.format(MicroTime.schema(), micros)).isEqualTo(expected);
  }

  @Test
  void millisecondTimesIncludingEndOfDay() {
    assertThat(PostgresTextFormatter.format(Time.schema(), 45_296_001)).isEqualTo("12:34:56.001");
    assertThat(PostgresTextFormatter.format(Time.schema(), 86_400_000)).isEqualTo("24:00:00");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource({
    "0, 1970-01-01 00:00",
    "-1, 1969-12-31 23:59:59.999999",
    "1709251199123456, 2024-02-29 23:59:59.123456",
    "-2208988799999999, 1900-01-01 00:00:00.000001",
    "-62135596800000000, 0001-01-01 00:00",
    "253402300800000000, 10000-01-01 00:00",
    "9223372036854775806, 294247-01-10 04:00:54.775806"
  })
  void microTimestamps(long micros, String expected) {
    assertThat(PostgresTextFormatter.format(MicroTimestamp.schema(), micros)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "0000-12-31T23:59:59.999999, 0001-12-31 23:59:59.999999 BC",
    "0000-01-01T00:00, 0001-01-01 00:00 BC",
    "-0043-03-15T12:00, 0044-03-15 12:00 BC",
    "-4713-11-24T00:00, 4714-11-24 00:00 BC"
  })
  void bcTimestamps(String iso, String expected) {
    LocalDateTime t = LocalDateTime.parse(iso);
    long micros = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + t.getNano() / 1_000;
    assertThat(format(MicroTimestamp.schema(), micros)).isEqualTo(expected);
  }

  @Test
  void bcLeapDayTimestampsKeepTheirDay() {
    long micros =
        LocalDateTime.of(0, 2, 29, 12, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000 + 500_000;
    assertThat(format(MicroTimestamp.schema(), micros)).isEqualTo("0001-02-29 12:00:00.500 BC");
  }

  @Test
  void debeziumsTimestampInfinityStandInsReadBackAsInfinity() {
    assertThat(format(MicroTimestamp.schema(), 9_223_372_036_825_200_000L)).isEqualTo("infinity");
    assertThat(format(MicroTimestamp.schema(), -9_223_372_036_832_400_000L)).isEqualTo("-infinity");
    assertThat(format(Timestamp.schema(), 9_223_372_036_825_200L)).isEqualTo("infinity");
    assertThat(format(Timestamp.schema(), -9_223_372_036_832_400L)).isEqualTo("-infinity");
  }

  @Test
  void aTimestampWhoseMicrosecondsDebeziumSaturatedIsRefused() {
    // 294276-12-31 23:59:59.999999: Long.MAX_VALUE plus the fraction, wrapped
    long saturatedPlusFraction = Long.MAX_VALUE + 999_999L;
    assertThatThrownBy(() -> format(MicroTimestamp.schema(), saturatedPlusFraction))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("cannot be carried exactly");
    assertThatThrownBy(() -> format(MicroTimestamp.schema(), Long.MAX_VALUE))
        .isInstanceOf(SluiceException.class);
  }

  @Test
  void millisecondTimestampsIncludingBeyondTheMicrosecondRange() {
    assertThat(format(Timestamp.schema(), -1L)).isEqualTo("1969-12-31 23:59:59.999");
    assertThat(format(Timestamp.schema(), 1_709_251_199_123L)).isEqualTo("2024-02-29 23:59:59.123");
    long lastMilli =
        LocalDateTime.of(294_276, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC) * 1_000 + 999;
    assertThat(format(Timestamp.schema(), lastMilli)).isEqualTo("294276-12-31 23:59:59.999");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2024-02-29T18:14:59.123456Z, 2024-02-29 18:14:59.123456+00",
    "1970-01-01T00:00:00.000000Z, 1970-01-01 00:00+00",
    "1969-12-31T23:59:59.999999Z, 1969-12-31 23:59:59.999999+00",
    "0000-02-29T12:00:00.500000Z, 0001-02-29 12:00:00.500+00 BC",
    "-0043-03-15T12:00:00.000000Z, 0044-03-15 12:00+00 BC",
    "+10000-01-01T00:00:00.000000Z, 10000-01-01 00:00+00",
    "+294276-12-31T23:59:59.999999Z, 294276-12-31 23:59:59.999999+00",
    "2024-02-29T23:59:59.123456+05:45, 2024-02-29 23:59:59.123456+05:45",
    "infinity, infinity",
    "-infinity, -infinity"
  })
  void zonedTimestamps(String debezium, String expected) {
    assertThat(PostgresTextFormatter.format(ZonedTimestamp.schema(), debezium)).isEqualTo(expected);
  }

  @Test
  void stringsPassUnchanged() {
    for (String s : new String[] {"", "🚀 e\u0301 مرحبا", "tab\tnew\nline \\ \"q\"", "\\N"}) {
      assertThat(PostgresTextFormatter.format(Schema.STRING_SCHEMA, s)).isEqualTo(s);
    }
  }

  @Test
  void booleansAsPostgresqlLetters() {
    assertThat(PostgresTextFormatter.format(Schema.BOOLEAN_SCHEMA, true)).isEqualTo("t");
    assertThat(PostgresTextFormatter.format(Schema.BOOLEAN_SCHEMA, false)).isEqualTo("f");
  }

  @Test
  void integersOfEveryWidthAtTheirLimits() {
    assertThat(PostgresTextFormatter.format(Schema.INT8_SCHEMA, Byte.MIN_VALUE)).isEqualTo("-128");
    assertThat(PostgresTextFormatter.format(Schema.INT16_SCHEMA, Short.MIN_VALUE))
        .isEqualTo("-32768");
    assertThat(PostgresTextFormatter.format(Schema.INT32_SCHEMA, Integer.MAX_VALUE))
        .isEqualTo("2147483647");
    assertThat(PostgresTextFormatter.format(Schema.INT64_SCHEMA, Long.MIN_VALUE))
        .isEqualTo("-9223372036854775808");
  }

  @Test
  void float32SpecialValuesAndExtremesInAFormPostgresqlReadsBackBitForBit() {
    float[] values = {
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      -0.0f,
      Float.MIN_VALUE,
      Float.MIN_NORMAL,
      Float.MAX_VALUE,
      0.1f
    };
    String[] expected = {
      "NaN", "Infinity", "-Infinity", "-0.0", "1.4E-45", "1.17549435E-38", "3.4028235E38", "0.1"
    };
    for (int i = 0; i < values.length; i++) {
      String text = PostgresTextFormatter.format(Schema.FLOAT32_SCHEMA, values[i]);
      assertThat(text).isEqualTo(expected[i]);
      // shortest text that parses back to the same bits (PostgreSQL: see ValueFidelityIT)
      assertThat(Float.floatToRawIntBits(Float.parseFloat(text)))
          .isEqualTo(Float.floatToRawIntBits(values[i]));
    }
  }

  @Test
  void float64SpecialValuesAndExtremesInAFormPostgresqlReadsBackBitForBit() {
    double[] values = {
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      -0.0,
      Double.MIN_VALUE,
      Double.MIN_NORMAL,
      Double.MAX_VALUE,
      0.1
    };
    String[] expected = {
      "NaN",
      "Infinity",
      "-Infinity",
      "-0.0",
      "4.9E-324",
      "2.2250738585072014E-308",
      "1.7976931348623157E308",
      "0.1"
    };
    for (int i = 0; i < values.length; i++) {
      String text = PostgresTextFormatter.format(Schema.FLOAT64_SCHEMA, values[i]);
      assertThat(text).isEqualTo(expected[i]);
      assertThat(Double.doubleToRawLongBits(Double.parseDouble(text)))
          .isEqualTo(Double.doubleToRawLongBits(values[i]));
    }
  }

  @Test
  void bytesAsHexFromAnArrayOrFromTheRemainingBytesOfABuffer() {
    assertThat(PostgresTextFormatter.format(Schema.BYTES_SCHEMA, new byte[0])).isEqualTo("\\x");
    assertThat(PostgresTextFormatter.format(Schema.BYTES_SCHEMA, new byte[] {0, 1, (byte) 0xff, 0}))
        .isEqualTo("\\x0001ff00");
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 0, (byte) 0xab, 0});
    buffer.position(1);
    assertThat(PostgresTextFormatter.format(Schema.BYTES_SCHEMA, buffer)).isEqualTo("\\x00ab00");
    assertThat(buffer.position()).as("the record's buffer is not consumed").isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "numeric, NAN, NaN",
    "numeric, POSITIVE_INFINITY, Infinity",
    "numeric(38;18), NEGATIVE_INFINITY, -Infinity",
    "numeric, 1.50, 1.50",
    "text, POSITIVE_INFINITY, POSITIVE_INFINITY",
    "text, NAN, NAN"
  })
  void numericSpecialValuesOnlyForNumericColumns(String type, String value, String expected) {
    assertThat(PostgresTextFormatter.format(type.replace(';', ','), Schema.STRING_SCHEMA, value))
        .isEqualTo(expected);
  }

  @Test
  void aConnectTypeWithoutATextFormIsRefused() {
    Schema struct = SchemaBuilder.struct().name("io.debezium.data.geometry.Point").build();
    assertThatThrownBy(() -> PostgresTextFormatter.format(struct, new Object()))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("STRUCT")
        .hasMessageContaining("io.debezium.data.geometry.Point");
  }

  private static String format(Schema schema, long value) {
    Object v = schema.type() == Schema.Type.INT32 ? (Object) Math.toIntExact(value) : value;
    return PostgresTextFormatter.format(schema, v);
  }
}
