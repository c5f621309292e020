package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.apache.kafka.connect.data.Schema;

/**
 * Turns a Debezium (Kafka Connect) column value back into the PostgreSQL text literal of the source
 * value, so the target's input function reproduces it exactly.
 *
 * <p>Relies on the engine settings in {@link DebeziumProperties}: decimals as strings, temporal
 * values in microseconds, binary as hex, intervals as ISO-8601 strings.
 */
public final class PostgresTextFormatter {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final HexFormat HEX = HexFormat.of();

  private PostgresTextFormatter() {}

  /** Returns the text literal, or null for SQL NULL. */
  public static String format(Schema schema, Object value) {
    if (value == null) {
      return null;
    }
    String semantic = schema.name();
    if (semantic != null) {
      switch (semantic) {
        case "io.debezium.time.Date":
          return date(LocalDate.ofEpochDay(((Number) value).longValue()));
        case "io.debezium.time.MicroTime":
          return time(((Number) value).longValue());
        case "io.debezium.time.Time":
          return time(((Number) value).longValue() * 1_000);
        case "io.debezium.time.MicroTimestamp":
          return timestamp(((Number) value).longValue());
        case "io.debezium.time.Timestamp":
          return timestamp(((Number) value).longValue() * 1_000);
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

  static String date(LocalDate d) {
    return d.getYear() > 0 ? unsigned(d.toString()) : bc(d.withYear(1 - d.getYear()).toString());
  }

  static String time(long micros) {
    if (micros == MICROS_PER_DAY) {
      return "24:00:00";
    }
    return LocalTime.ofNanoOfDay(micros * 1_000).toString();
  }

  static String timestamp(long epochMicros) {
    long seconds = Math.floorDiv(epochMicros, 1_000_000L);
    int nanos = (int) Math.floorMod(epochMicros, 1_000_000L) * 1_000;
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
    String text =
        unsigned((t.getYear() > 0 ? t : t.withYear(1 - t.getYear())).toString()).replace('T', ' ');
    return t.getYear() > 0 ? text : bc(text);
  }

  /** java.time writes years past 9999 as {@code +10000}; PostgreSQL wants no sign. */
  private static String unsigned(String iso) {
    return iso.startsWith("+") ? iso.substring(1) : iso;
  }

  private static String bc(String isoWithPositiveYear) {
    return isoWithPositiveYear + " BC";
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
