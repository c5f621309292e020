package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import org.apache.kafka.connect.data.Schema;

/**
 * Turns a Debezium (Kafka Connect) column value back into the PostgreSQL text literal of the source
 * value, so the target's input function reproduces it exactly.
 *
 * <p>Relies on the engine settings in {@link DebeziumProperties}: decimals as strings, temporal
 * values in microseconds, binary as bytes. Undoes what Debezium's own encoding loses on the way:
 * java.time's signed proleptic years (PostgreSQL writes {@code BC}), its stand-ins for {@code
 * infinity}, and microsecond counts that overflowed a {@code long}.
 */
public final class PostgresTextFormatter {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * What Debezium sends for timestamp {@code infinity} and {@code -infinity}: pgjdbc's infinity
   * sentinels in milliseconds, reused as microseconds. The first is also the real timestamp
   * 294247-01-10 04:00:25.2, which therefore reads back as infinity; the second lies below
   * PostgreSQL's range and is unambiguous.
   */
  static final long INFINITY_MICROS = 9_223_372_036_825_200_000L;

  static final long MINUS_INFINITY_MICROS = -9_223_372_036_832_400_000L;

  /**
   * PostgreSQL's earliest timestamp, 4714-11-24 00:00:00 BC, in microseconds since 1970. Debezium
   * saturates the microseconds of later timestamps than {@link Long#MAX_VALUE} (294247-01-10
   * 04:00:54.775807) and then adds the fraction, which wraps below this: such a value is lost.
   */
  static final long MIN_TIMESTAMP_MICROS = -210_866_803_200_000_000L;

  /** PostgreSQL's date range: 4714-11-24 BC to 5874897-12-31. */
  static final long MIN_EPOCH_DAY = -2_440_588L;

  static final long MAX_EPOCH_DAY = LocalDate.of(5_874_897, 12, 31).toEpochDay();

  /** What Debezium sends for date {@code infinity} and {@code -infinity} in streamed changes. */
  static final long INFINITY_EPOCH_DAY = LocalDate.parse("-5877611-06-21").toEpochDay();

  static final long MINUS_INFINITY_EPOCH_DAY = LocalDate.parse("-5877611-06-22").toEpochDay();

  private PostgresTextFormatter() {}

  /**
   * Returns the text literal of a value of a column of the given SQL type (as {@code format_type}
   * prints it), or null for SQL NULL. The type tells apart what the Connect schema does not: a
   * numeric's special values arrive as Debezium's names for them.
   */
  public static String format(String sqlType, Schema schema, Object value) {
    if (value instanceof String s && sqlType != null && sqlType.startsWith("numeric")) {
      switch (s) {
        case "NAN":
          return "NaN";
        case "POSITIVE_INFINITY":
          return "Infinity";
        case "NEGATIVE_INFINITY":
          return "-Infinity";
        default:
          return s;
      }
    }
    return format(schema, value);
  }

  /** Returns the text literal, or null for SQL NULL. */
  public static String format(Schema schema, Object value) {
    if (value == null) {
      return null;
    }
    String semantic = schema.name();
    if (semantic != null) {
      switch (semantic) {
        case "io.debezium.time.Date":
          return date(((Number) value).longValue());
        case "io.debezium.time.MicroTime":
          return time(((Number) value).longValue());
        case "io.debezium.time.Time":
          return time(((Number) value).longValue() * 1_000);
        case "io.debezium.time.MicroTimestamp":
          return timestamp(((Number) value).longValue());
        case "io.debezium.time.Timestamp":
          return timestampMillis(((Number) value).longValue());
        case "io.debezium.time.ZonedTimestamp":
          return zonedTimestamp((String) value);
        default:
          break;
      }
    }
    return switch (schema.type()) {
      case STRING -> (String) value;
      case BOOLEAN -> ((Boolean) value) ? "t" : "f";
      case INT8, INT16, INT32, INT64 -> value.toString();
      case FLOAT32 -> Float.toString((Float) value);
      case FLOAT64 -> Double.toString((Double) value);
      case BYTES -> "\\x" + HEX.formatHex(bytes(value));
      default ->
          throw new SluiceException(
              "cannot render a value of Connect type "
                  + schema.type()
                  + " ("
                  + semantic
                  + ") as PostgreSQL text");
    };
  }

  static String date(long epochDay) {
    if (epochDay == INFINITY_EPOCH_DAY) {
      return "infinity";
    }
    if (epochDay == MINUS_INFINITY_EPOCH_DAY) {
      return "-infinity";
    }
    if (epochDay < MIN_EPOCH_DAY || epochDay > MAX_EPOCH_DAY) {
      // Debezium's snapshot turns date infinity into such a day; writing it would only move the
      // error to the target, and writing anything else would be a guess.
      throw new SluiceException(
          "date arrived as "
              + date(LocalDate.ofEpochDay(epochDay))
              + ", outside PostgreSQL's range: the source value (infinity?) cannot be carried"
              + " exactly");
    }
    return date(LocalDate.ofEpochDay(epochDay));
  }

  /** ISO year 0 is 1 BC, -1 is 2 BC; PostgreSQL has no year 0 and writes the era instead. */
  static String date(LocalDate d) {
    StringBuilder sb = new StringBuilder(16);
    appendDate(sb, d);
    return appendEra(sb, d.getYear()).toString();
  }

  static String time(long micros) {
    if (micros == MICROS_PER_DAY) {
      return "24:00:00";
    }
    return LocalTime.ofNanoOfDay(micros * 1_000).toString();
  }

  static String timestamp(long epochMicros) {
    if (epochMicros == INFINITY_MICROS) {
      return "infinity";
    }
    if (epochMicros == MINUS_INFINITY_MICROS) {
      return "-infinity";
    }
    if (epochMicros < MIN_TIMESTAMP_MICROS || epochMicros == Long.MAX_VALUE) {
      throw new SluiceException(
          "timestamp arrived as "
              + epochMicros
              + " microseconds since 1970, which is what Debezium makes of a timestamp after"
              + " 294247-01-10 04:00:54.775807: the source value cannot be carried exactly");
    }
    long seconds = Math.floorDiv(epochMicros, 1_000_000L);
    int nanos = (int) Math.floorMod(epochMicros, 1_000_000L) * 1_000;
    return localDateTime(LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC), "");
  }

  /** Timestamps of precision 0 to 3 arrive in milliseconds, which reach further than micros. */
  static String timestampMillis(long epochMillis) {
    if (Math.abs(epochMillis) < Long.MAX_VALUE / 1_000) {
      return timestamp(epochMillis * 1_000);
    }
    long seconds = Math.floorDiv(epochMillis, 1_000L);
    int nanos = (int) Math.floorMod(epochMillis, 1_000L) * 1_000_000;
    return localDateTime(LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC), "");
  }

  /**
   * Debezium writes {@code timestamptz} as an ISO-8601 string in UTC, with signed proleptic years
   * ({@code -0043}, {@code +10000}) that PostgreSQL does not read; {@code infinity} passes as is.
   */
  static String zonedTimestamp(String iso) {
    OffsetDateTime t;
    try {
      t = OffsetDateTime.parse(iso);
    } catch (DateTimeParseException notIso) {
      return iso;
    }
    String offset = t.getOffset().equals(ZoneOffset.UTC) ? "+00" : t.getOffset().getId();
    return localDateTime(t.toLocalDateTime(), offset);
  }

  private static String localDateTime(LocalDateTime t, String offset) {
    StringBuilder sb = new StringBuilder(40);
    appendDate(sb, t.toLocalDate());
    sb.append(' ').append(t.toLocalTime()).append(offset);
    return appendEra(sb, t.getYear()).toString();
  }

  private static void appendDate(StringBuilder sb, LocalDate d) {
    int year = d.getYear() > 0 ? d.getYear() : 1 - d.getYear();
    String digits = Integer.toString(year);
    sb.append("0".repeat(Math.max(0, 4 - digits.length()))).append(digits);
    sb.append('-').append(d.getMonthValue() < 10 ? "0" : "").append(d.getMonthValue());
    sb.append('-').append(d.getDayOfMonth() < 10 ? "0" : "").append(d.getDayOfMonth());
  }

  private static StringBuilder appendEra(StringBuilder sb, int isoYear) {
    return isoYear > 0 ? sb : sb.append(" BC");
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    ByteBuffer buf = ((ByteBuffer) value).duplicate();
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return out;
  }
}
