package io.sluice.test.apply;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The tables of the replay fuzz test, their small key spaces, and random values as PostgreSQL text
 * literals. Values lean on the edges the write path has to carry exactly: COPY escapes (tab,
 * newline, backslash, {@code \N}), empty text versus NULL, numeric scale, NaN and infinities,
 * unicode, and large values in the columns an update may leave out as unchanged TOAST.
 */
final class FuzzTables {
  /** Single integer key; {@code doc} is the large, TOASTable column. */
  static final TableSchema ACCOUNTS =
      new TableSchema(
          new TableId("fuzz", "accounts"),
          List.of(
              column("id", "integer", false),
              column("owner", "text", false),
              column("balance", "numeric", true),
              column("opened", "date", true),
              column("flags", "text[]", true),
              column("doc", "text", true)),
          List.of("id"));

  /** Composite key (text, integer); {@code memo} and {@code blob} are TOASTable. */
  static final TableSchema POSITIONS =
      new TableSchema(
          new TableId("fuzz", "positions"),
          List.of(
              column("book", "text", false),
              column("instrument", "integer", false),
              column("qty", "numeric(20,4)", false),
              column("px", "numeric", true),
              column("at", "timestamp(6) with time zone", true),
              column("memo", "text", true),
              column("blob", "bytea", true)),
          List.of("book", "instrument"));

  /** A small table without TOASTable columns. */
  static final TableSchema TAGS =
      new TableSchema(
          new TableId("fuzz", "tags"),
          List.of(
              column("id", "bigint", false),
              column("label", "text", true),
              column("active", "boolean", true),
              column("uid", "uuid", true)),
          List.of("id"));

  static final List<TableSchema> ALL = List.of(ACCOUNTS, POSITIONS, TAGS);

  /** Book names that need JSON, COPY and SQL escaping in key texts and staging. */
  private static final List<String> BOOKS = List.of("a", "b,\"c\"", "ü\tz");

  private static final List<String> TRICKY_TEXT =
      List.of(
          "",
          "plain",
          "tab\there",
          "line\nbreak",
          "cr\r\nlf",
          "back\\slash",
          "\\N",
          "\\.",
          "quote'\"",
          "üñí©ødé 🚀 e\u0301",
          "comma,{brace}",
          "  spaces  ");

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");

  private FuzzTables() {}

  static ColumnSchema column(String name, String type, boolean nullable) {
    return new ColumnSchema(name, type, nullable);
  }

  /**
   * Columns an update may leave out because their value is TOASTed and untouched. A list, not a
   * set: the generator draws random numbers while iterating, and {@code Set.of} iterates in an
   * order that changes from one JVM to the next, which would break rerunning a case by its seed.
   */
  static List<String> toastable(TableSchema t) {
    if (t == ACCOUNTS) {
      return List.of("doc");
    }
    return t == POSITIONS ? List.of("memo", "blob") : List.of();
  }

  /** Every possible key of the table, key columns in key order. */
  static List<Map<String, String>> keySpace(TableSchema t) {
    List<Map<String, String>> keys = new ArrayList<>();
    if (t == POSITIONS) {
      for (String book : BOOKS) {
        for (int instrument = 1; instrument <= 4; instrument++) {
          Map<String, String> key = new LinkedHashMap<>();
          key.put("book", book);
          key.put("instrument", Integer.toString(instrument));
          keys.add(key);
        }
      }
      return keys;
    }
    int size = t == ACCOUNTS ? 10 : 6;
    for (int id = 1; id <= size; id++) {
      keys.add(Map.of("id", Integer.toString(id)));
    }
    return keys;
  }

  /** A random literal for a non-key column, or null where the column is nullable. */
  static String value(Random r, ColumnSchema c) {
    if (c.nullable() && r.nextInt(8) == 0) {
      return null;
    }
    return switch (c.type()) {
      case "text" -> toastable(c.name()) ? large(r) : text(r);
      case "numeric" -> numeric(r);
      case "numeric(20,4)" -> decimal(r, 15, 1 + r.nextInt(4));
      case "date" -> date(r);
      case "text[]" -> array(r);
      case "timestamp(6) with time zone" -> timestamp(r);
      case "bytea" -> bytea(r);
      case "boolean" -> r.nextBoolean() ? "t" : "f";
      case "uuid" -> new UUID(r.nextLong(), r.nextLong()).toString();
      default -> throw new IllegalArgumentException("no generator for type " + c.type());
    };
  }

  private static boolean toastable(String column) {
    return column.equals("doc") || column.equals("memo");
  }

  private static String text(Random r) {
    return TRICKY_TEXT.get(r.nextInt(TRICKY_TEXT.size())) + (r.nextBoolean() ? "" : r.nextInt(100));
  }

  /** Large enough (over 2 kB) that PostgreSQL would TOAST it, and distinct per draw. */
  private static String large(Random r) {
    StringBuilder sb = new StringBuilder(text(r)).append('|');
    String token = Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
    while (sb.length() < 2200 + r.nextInt(800)) {
      sb.append(token).append(r.nextInt(10) == 0 ? '\n' : ' ');
    }
    return sb.append(text(r)).toString();
  }

  private static String numeric(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> List.of("NaN", "Infinity", "-Infinity").get(r.nextInt(3));
      case 1 -> "-0." + "0".repeat(r.nextInt(12)) + "1";
      case 2 -> new BigDecimal(new BigInteger(130, r), r.nextInt(30)).toPlainString();
      default -> decimal(r, 12, r.nextInt(9));
    };
  }

  /** Keeps trailing zeros: scale is part of a numeric's exact value. */
  private static String decimal(Random r, int digits, int scale) {
    long unscaled = (long) (r.nextDouble() * Math.pow(10, digits - 1)) * (r.nextBoolean() ? 1 : -1);
    return BigDecimal.valueOf(unscaled, scale).toPlainString();
  }

  private static String date(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> "infinity";
      case 1 -> "-infinity";
      case 2 -> "0044-03-15 BC";
      default -> LocalDate.ofEpochDay(r.nextInt(3_000_000) - 700_000).toString();
    };
  }

  private static String array(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> "{}";
      case 1 -> "{a,b}";
      case 2 -> "{\"x y\",NULL,\"q\\\"\",\"back\\\\\"}";
      default -> "{" + r.nextInt(1000) + ",\"\"}";
    };
  }

  private static String timestamp(Random r) {
    if (r.nextInt(15) == 0) {
      return r.nextBoolean() ? "infinity" : "-infinity";
    }
    long micros = (r.nextLong() & Long.MAX_VALUE) % 250_000_000_000_000_000L; // up to year 9892
    Instant at =
        Instant.EPOCH.plusNanos(micros % 1_000_000 * 1_000).plusSeconds(micros / 1_000_000);
    ZoneOffset offset = ZoneOffset.ofTotalSeconds((r.nextInt(57) - 28) * 30 * 60);
    return TIMESTAMP.format(at.atOffset(offset));
  }

  private static String bytea(Random r) {
    byte[] bytes = new byte[r.nextInt(4) == 0 ? r.nextInt(16) : 2048 + r.nextInt(1024)];
    r.nextBytes(bytes);
    return "\\x" + HexFormat.of().formatHex(bytes);
  }
}
