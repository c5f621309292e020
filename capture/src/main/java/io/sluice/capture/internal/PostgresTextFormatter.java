package io.sluice.capture.internal;

import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.data.SpecialValueDecimal;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Array;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.postgresql.util.PGInterval;

/**
 * Turns a column value as Debezium's PostgreSQL connector decoded it back into the PostgreSQL text
 * literal of the source value, so the target's input function reproduces it exactly.
 *
 * <p>Snapshot rows arrive as the server's own text ({@link TextSnapshotQuery}), and so do streamed
 * values of most types; those pass through unchanged. For the types Debezium parses while streaming
 * this writes the text back: it keeps what java.time drops or bends (PostgreSQL's {@code BC} era
 * instead of signed proleptic years, {@code infinity} instead of Debezium's stand-in values) and
 * writes floats so that they read back to the same bits.
 *
 * <p>A value of a kind it cannot write exactly is refused with an {@link IllegalArgumentException},
 * never guessed: {@code timetz} (Debezium normalises it to UTC and drops the offset; {@link
 * PostgresTextConverter} has capture read it from the source row instead) and anything unexpected.
 */
public final class PostgresTextFormatter {
  private static final HexFormat HEX = HexFormat.of();
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final ZoneOffset UTC = ZoneOffset.UTC;

  private PostgresTextFormatter() {}

  /** Returns the text literal, or null for SQL NULL. */
  public static String format(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return value.toString();
    }
    if (value instanceof SpecialValueDecimal d) {
      return numeric(d);
    }
    if (value instanceof Boolean b) {
      return b ? "t" : "f";
    }
    if (value instanceof Instant i) {
      return timestamp(i);
    }
    if (value instanceof OffsetDateTime t) {
      return timestamptz(t);
    }
    if (value instanceof LocalDate d) {
      return date(d);
    }
    if (value instanceof Double d) {
      return float8(d);
    }
    if (value instanceof Float f) {
      return float4(f);
    }
    if (value instanceof byte[] b) {
      return bytea(b);
    }
    if (value instanceof PGInterval i) {
      return interval(i);
    }
    if (value instanceof Array a) {
      return array(a);
    }
    return other(value);
  }

  private static String other(Object value) {
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof ByteBuffer b) {
      ByteBuffer copy = b.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return bytea(bytes);
    }
    if (value instanceof OffsetTime) {
      throw new IllegalArgumentException(
          "a timetz value arrived normalised to UTC, without its offset: it cannot be carried"
              + " exactly");
    }
    throw new IllegalArgumentException(
        "a value of Java type "
            + value.getClass().getName()
            + " has no exact PostgreSQL text form known to sluice");
  }

  static String numeric(SpecialValueDecimal d) {
    BigDecimal decimal = d.getDecimalValue().orElse(null);
    if (decimal != null) {
      return decimal.toPlainString();
    }
    double special = d.toDouble();
    if (Double.isNaN(special)) {
      return "NaN";
    }
    return special > 0 ? "Infinity" : "-Infinity";
  }

  /**
   * The shortest decimal that reads back to the same bits where Java's {@link Double#toString}
   * finds it, else the exact binary value in decimal; {@code NaN}, {@code Infinity} and {@code
   * -0.0} are PostgreSQL input too.
   */
  static String float8(double d) {
    String s = Double.toString(d);
    if (Double.doubleToLongBits(Double.parseDouble(s)) == Double.doubleToLongBits(d)) {
      return s;
    }
    return new BigDecimal(d).toString();
  }

  static String float4(float f) {
    String s = Float.toString(f);
    if (Float.floatToIntBits(Float.parseFloat(s)) == Float.floatToIntBits(f)) {
      return s;
    }
    return new BigDecimal(f).toString();
  }

  static String bytea(byte[] bytes) {
    return "\\x" + HEX.formatHex(bytes);
  }

  /**
   * Debezium's stand-ins for date {@code infinity} lie outside PostgreSQL's date range, so no real
   * date is mistaken for them.
   */
  static String date(LocalDate d) {
    if (d.equals(PostgresValueConverter.POSITIVE_INFINITY_LOCAL_DATE)) {
      return "infinity";
    }
    if (d.equals(PostgresValueConverter.NEGATIVE_INFINITY_LOCAL_DATE)) {
      return "-infinity";
    }
    StringBuilder sb = new StringBuilder(16);
    appendDate(sb, d);
    return appendEra(sb, d.getYear()).toString();
  }

  /**
   * Debezium's stand-in for timestamp {@code infinity} is also the real timestamp 294247-01-10
   * 04:00:25.2; only the stand-in object itself means infinity.
   */
  static String timestamp(Instant i) {
    if (i == PostgresValueConverter.POSITIVE_INFINITY_INSTANT) {
      return "infinity";
    }
    if (i == PostgresValueConverter.NEGATIVE_INFINITY_INSTANT) {
      return "-infinity";
    }
    return localDateTime(LocalDateTime.ofEpochSecond(i.getEpochSecond(), i.getNano(), UTC), "");
  }

  /** Debezium's stand-ins for timestamptz {@code infinity} lie far outside PostgreSQL's range. */
  static String timestamptz(OffsetDateTime t) {
    if (t.equals(PostgresValueConverter.POSITIVE_INFINITY_OFFSET_DATE_TIME)) {
      return "infinity";
    }
    if (t.equals(PostgresValueConverter.NEGATIVE_INFINITY_OFFSET_DATE_TIME)) {
      return "-infinity";
    }
    String offset = t.getOffset().equals(UTC) ? "+00" : t.getOffset().getId();
    return localDateTime(t.toLocalDateTime(), offset);
  }

  /**
   * Months, days and microseconds, each with its own sign, as PostgreSQL keeps them: {@code "14
   * mons -3 days -04:05:06.000007"}.
   */
  static String interval(PGInterval i) {
    long months = (long) i.getYears() * 12 + i.getMonths();
    long micros =
        ((long) i.getHours() * 3600 + (long) i.getMinutes() * 60 + i.getWholeSeconds())
                * MICROS_PER_SECOND
            + i.getMicroSeconds();
    StringBuilder sb = new StringBuilder(48);
    sb.append(months).append(" mons ").append(i.getDays()).append(" days ");
    if (micros < 0) {
      sb.append('-');
    }
    long abs = Math.abs(micros);
    long seconds = abs / MICROS_PER_SECOND;
    sb.append(seconds / 3600).append(':');
    appendTwoDigits(sb, seconds / 60 % 60).append(':');
    appendTwoDigits(sb, seconds % 60);
    long fraction = abs % MICROS_PER_SECOND;
    if (fraction != 0) {
      String digits = Long.toString(fraction + MICROS_PER_SECOND);
      sb.append('.').append(digits, 1, digits.length());
    }
    return sb.toString();
  }

  /** Debezium hands streamed arrays over as pgjdbc arrays that still hold the server's text. */
  static String array(Array a) {
    String text = a.toString();
    if (text == null) {
      throw new IllegalArgumentException("an array arrived without its text form");
    }
    return text;
  }

  private static String localDateTime(LocalDateTime t, String offset) {
    StringBuilder sb = new StringBuilder(40);
    appendDate(sb, t.toLocalDate());
    LocalTime time = t.toLocalTime();
    sb.append(' ').append(time).append(offset);
    return appendEra(sb, t.getYear()).toString();
  }

  /** ISO year 0 is 1 BC, -1 is 2 BC; PostgreSQL has no year 0 and writes the era instead. */
  private static void appendDate(StringBuilder sb, LocalDate d) {
    int year = d.getYear() > 0 ? d.getYear() : 1 - d.getYear();
    String digits = Integer.toString(year);
    for (int pad = digits.length(); pad < 4; pad++) {
      sb.append('0');
    }
    sb.append(digits).append('-');
    appendTwoDigits(sb, d.getMonthValue()).append('-');
    appendTwoDigits(sb, d.getDayOfMonth());
  }

  private static StringBuilder appendTwoDigits(StringBuilder sb, long value) {
    return sb.append(value < 10 ? "0" : "").append(value);
  }

  private static StringBuilder appendEra(StringBuilder sb, int isoYear) {
    return isoYear > 0 ? sb : sb.append(" BC");
  }
}
