package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.data.SpecialValueDecimal;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.jdbc.PgArray;
import org.postgresql.util.PGInterval;

/**
 * The text written back for each kind of value Debezium's PostgreSQL connector decodes while
 * streaming. That PostgreSQL reads each text back to the source value is ValueFidelityIT's part.
 */
class PostgresTextFormatterTest {

  @Test
  void nullIsSqlNull() {
    assertThat(PostgresTextFormatter.format(null)).isNull();
  }

  @Test
  void textPassesUnchanged() {
    for (String s :
        new String[] {"", "🚀 e\u0301 مرحبا", "tab\tnew\nline \\ \"q\"", "\\N", "NaN"}) {
      assertThat(PostgresTextFormatter.format(s)).isSameAs(s);
    }
  }

  @Test
  void booleansAsPostgresqlLetters() {
    assertThat(PostgresTextFormatter.format(true)).isEqualTo("t");
    assertThat(PostgresTextFormatter.format(false)).isEqualTo("f");
  }

  @Test
  void integersOfEveryWidthAtTheirLimits() {
    assertThat(PostgresTextFormatter.format(Short.MIN_VALUE)).isEqualTo("-32768");
    assertThat(PostgresTextFormatter.format(Integer.MAX_VALUE)).isEqualTo("2147483647");
    assertThat(PostgresTextFormatter.format(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1.50, 1.50", "12300, 12300", "-0.000000000000000001, -0.000000000000000001"})
  void numericsKeepTheirScaleAndNeverUseExponents(String source, String expected) {
    assertThat(PostgresTextFormatter.format(new SpecialValueDecimal(new BigDecimal(source))))
        .isEqualTo(expected);
  }

  @Test
  void aThousandDigitNumericAndTheSpecialValues() {
    String digits = "9".repeat(1000) + "." + "0987654321".repeat(40);
    assertThat(PostgresTextFormatter.format(SpecialValueDecimal.valueOf(digits))).isEqualTo(digits);
    assertThat(PostgresTextFormatter.format(SpecialValueDecimal.NOT_A_NUMBER)).isEqualTo("NaN");
    assertThat(PostgresTextFormatter.format(SpecialValueDecimal.POSITIVE_INF))
        .isEqualTo("Infinity");
    assertThat(PostgresTextFormatter.format(SpecialValueDecimal.NEGATIVE_INF))
        .isEqualTo("-Infinity");
    assertThat(PostgresTextFormatter.format(new BigDecimal("1E+3"))).isEqualTo("1000");
  }

  @Test
  void floatSpecialValuesAndExtremesInAFormThatReadsBackBitForBit() {
    float[] values = {
      Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, 0.1f
    };
    String[] expected = {"NaN", "Infinity", "-Infinity", "-0.0", "1.4E-45", "0.1"};
    for (int i = 0; i < values.length; i++) {
      assertThat(PostgresTextFormatter.format(values[i])).isEqualTo(expected[i]);
    }
    assertThat(PostgresTextFormatter.format(Double.MIN_VALUE)).isEqualTo("4.9E-324");
    assertThat(PostgresTextFormatter.format(-0.0)).isEqualTo("-0.0");
    assertThat(PostgresTextFormatter.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }

  @Test
  void everyFloatTextReadsBackToTheSameBits() {
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      float f = Float.intBitsToFloat(random.nextInt());
      assertThat(Double.doubleToLongBits(Double.parseDouble(PostgresTextFormatter.float8(d))))
          .isEqualTo(Double.doubleToLongBits(d));
      assertThat(Float.floatToIntBits(Float.parseFloat(PostgresTextFormatter.float4(f))))
          .isEqualTo(Float.floatToIntBits(f));
    }
  }

  @Test
  void byteaAsHexFromAnArrayOrFromTheRemainingBytesOfABuffer() {
    assertThat(PostgresTextFormatter.format(new byte[0])).isEqualTo("\\x");
    assertThat(PostgresTextFormatter.format(new byte[] {0, 1, (byte) 0xff, 0}))
        .isEqualTo("\\x0001ff00");
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 0, (byte) 0xab, 0});
    buffer.position(1);
    assertThat(PostgresTextFormatter.format(buffer)).isEqualTo("\\x00ab00");
    assertThat(buffer.position()).as("the record's buffer is not consumed").isEqualTo(1);
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
    assertThat(PostgresTextFormatter.format(LocalDate.parse(iso))).isEqualTo(expected);
  }

  @Test
  void debeziumsDateInfinityStandInsReadBackAsInfinity() {
    assertThat(PostgresTextFormatter.format(PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE))
        .isEqualTo("infinity");
    assertThat(PostgresTextFormatter.format(PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE))
        .isEqualTo("-infinity");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "1970-01-01T00:00, 1970-01-01 00:00",
    "1969-12-31T23:59:59.999999, 1969-12-31 23:59:59.999999",
    "2024-02-29T23:59:59.123456, 2024-02-29 23:59:59.123456",
    "0000-02-29T12:00:00.5, 0001-02-29 12:00:00.500 BC",
    "-4713-11-24T00:00, 4714-11-24 00:00 BC",
    // beyond what fits a long of microseconds since 1970, where Debezium's own types end
    "+294276-12-31T23:59:59.999999, 294276-12-31 23:59:59.999999"
  })
  void timestampsInPostgresqlEraNotation(String iso, String expected) {
    Instant instant = LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
    assertThat(PostgresTextFormatter.format(instant)).isEqualTo(expected);
  }

  @Test
  void onlyDebeziumsOwnTimestampInfinityObjectsReadBackAsInfinity() {
    Instant standIn = PostgresValueConverter.POSITIVE_INFINITY_INSTANT;
    assertThat(PostgresTextFormatter.format(standIn)).isEqualTo("infinity");
    assertThat(PostgresTextFormatter.format(PostgresValueConverter.NEGATIVE_INFINITY_INSTANT))
        .isEqualTo("-infinity");
    // the real timestamp that Debezium's stand-in also denotes
    Instant real = Instant.ofEpochSecond(standIn.getEpochSecond(), standIn.getNano());
    assertThat(PostgresTextFormatter.format(real)).isEqualTo("294247-01-10 04:00:25.200");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2024-02-29T18:14:59.123456Z, 2024-02-29 18:14:59.123456+00",
    "0000-02-29T12:00:00.5Z, 0001-02-29 12:00:00.500+00 BC",
    "+294276-12-31T23:59:59.999999Z, 294276-12-31 23:59:59.999999+00",
    "2024-02-29T23:59:59.123456+05:45, 2024-02-29 23:59:59.123456+05:45"
  })
  void timestampsWithTimeZone(String iso, String expected) {
    assertThat(PostgresTextFormatter.format(OffsetDateTime.parse(iso))).isEqualTo(expected);
  }

  @Test
  void debeziumsTimestamptzInfinityStandInsReadBackAsInfinity() {
    assertThat(
            PostgresTextFormatter.format(PostgresValueConverter.POSITIVE_INFINITY_OFFSET_DATE_TIME))
        .isEqualTo("infinity");
    assertThat(
            PostgresTextFormatter.format(PostgresValueConverter.NEGATIVE_INFINITY_OFFSET_DATE_TIME))
        .isEqualTo("-infinity");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "00:00:00, 0 mons 0 days 0:00:00",
    "1 year 2 mons -3 days +04:05:06.000007, 14 mons -3 days 4:05:06.000007",
    "-1 days -00:00:00.5, 0 mons -1 days -0:00:00.500000",
    "-178000000 years, -2136000000 mons 0 days 0:00:00",
    "-2147483647:59:59.999999, 0 mons 0 days -2147483647:59:59.999999"
  })
  void intervalsAsMonthsDaysAndTime(String postgres, String expected) throws Exception {
    PGInterval parsed = new PGInterval(postgres);
    String text = PostgresTextFormatter.format(parsed);
    assertThat(text).isEqualTo(expected);
    assertThat(PostgresTextFormatter.format(new PGInterval(text)))
        .as("pgjdbc reads it back to the same interval")
        .isEqualTo(text);
  }

  @Test
  void arraysAsTheTextTheServerSent() throws Exception {
    String text = "[0:1][1:2]={{1,NULL},{\"a b\",\"\\\\\"}}";
    assertThat(PostgresTextFormatter.format(new PgArray(null, 1009, text))).isEqualTo(text);
  }

  @Test
  void aTimetzWithoutItsOffsetIsRefused() {
    assertThatThrownBy(() -> PostgresTextFormatter.format(OffsetTime.parse("07:00Z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timetz")
        .hasMessageContaining("offset");
  }

  @Test
  void aValueOfAnUnexpectedJavaTypeIsRefusedNotGuessed() {
    assertThatThrownBy(() -> PostgresTextFormatter.format(new StringBuilder("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.StringBuilder");
  }
}
