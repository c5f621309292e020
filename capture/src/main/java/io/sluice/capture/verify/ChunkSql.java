package io.sluice.capture.verify;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.TargetLayout;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statements that compare one table, the same text on both sides so that each side computes its
 * figures inside its own database.
 *
 * <p>A row's fingerprint is a 64-bit hash of its values. Where both servers have {@code
 * hash_record_extended} (PostgreSQL 14 and later) it hashes the values themselves with each type's
 * own hash, which is far cheaper than printing them: exact for what equality holds exact (NUMERIC
 * digits, timestamp microseconds, NULL against an empty string) and blind to what is no difference
 * in value (a jsonb's key order, a {@code char(n)}'s padding). An unconstrained NUMERIC's display
 * scale is hashed beside it ({@code 1.0} and {@code 1.00} are equal values, printed differently; a
 * declared scale fixes it), and types without a hash, and floats (whose hash holds {@code -0} equal
 * to {@code 0}), are hashed as their text. On older servers (Greenplum 7) the whole row's text is
 * hashed ({@code hashtextextended}). Both hashes are the ones hash partitioning relies on staying
 * the same across versions. A chunk's figure is its row count and the sum of its rows'
 * fingerprints, which does not depend on the order rows are read in, so the chunks of a table come
 * from one scan grouped by chunk.
 *
 * <p>A table keyed by one integer column is chunked by key range ({@code width} keys from {@code
 * min}); any other keyed table by a hash of its key text into {@code buckets} (a power of two); a
 * table without a key is one chunk.
 */
final class ChunkSql {
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

  private final TableSchema table;

  /** Types whose own hash is exact for verification; NUMERIC also hashes its scale. */
  private static final Set<String> HASHED =
      Set.of(
          "smallint",
          "integer",
          "bigint",
          "text",
          "boolean",
          "date",
          "uuid",
          "bytea",
          "jsonb",
          "timestamp without time zone",
          "timestamp with time zone");

  private final String fingerprint;
  private final Optional<String> rangeKey;
  private long min;
  private long width = 1;
  private boolean wide;
  private int buckets = 1;

  /**
   * @param recordHash whether both servers have {@code hash_record_extended}
   */
  ChunkSql(TableSchema table, boolean recordHash) {
    this.table = table;
    this.fingerprint = recordHash ? recordHash(table) : textHash(table);
    this.rangeKey =
        table.keyColumns().size() == 1
                && INTEGER_TYPES.contains(table.column(table.keyColumns().get(0)).type())
            ? Optional.of(table.keyColumns().get(0))
            : Optional.empty();
  }

  private static String textHash(TableSchema table) {
    return "hashtextextended(ROW("
        + table.columns().stream().map(ColumnSchema::quotedName).collect(Collectors.joining(", "))
        + ")::text, 0)";
  }

  private static String recordHash(TableSchema table) {
    List<String> parts = new java.util.ArrayList<>();
    for (ColumnSchema c : table.columns()) {
      String type = c.type();
      String base = type.contains("(") ? type.substring(0, type.indexOf('(')) : type;
      if (type.startsWith("numeric(")) {
        parts.add(c.quotedName()); // its typmod fixes the scale
      } else if (base.equals("numeric")) {
        parts.add(c.quotedName());
        parts.add("scale(" + c.quotedName() + ")");
      } else if (HASHED.contains(base)
          || base.equals("character varying")
          || base.equals("character")) {
        parts.add(c.quotedName());
      } else {
        parts.add(c.quotedName() + "::text");
      }
    }
    return "hash_record_extended(ROW(" + String.join(", ", parts) + "), 0)";
  }

  TableSchema table() {
    return table;
  }

  /** Whether the table is chunked by ranges of one integer key. */
  boolean byRange() {
    return rangeKey.isPresent();
  }

  /** The integer key column, for reading its least and greatest value. */
  Optional<String> rangeKey() {
    return rangeKey;
  }

  /** Chunks of {@code width} keys from {@code min}. */
  void ranges(long min, long max, long width) {
    this.min = min;
    this.width = Math.max(1, width);
    long span;
    try {
      span = Math.subtractExact(max, min);
    } catch (ArithmeticException e) {
      span = Long.MAX_VALUE;
    }
    // a target key far above the source's greatest would overflow the integer arithmetic
    this.wide = span > Long.MAX_VALUE / 4 || max > Long.MAX_VALUE / 2 || min < Long.MIN_VALUE / 2;
  }

  /** About {@code chunks} hash buckets, rounded up to a power of two. */
  void buckets(long chunks) {
    int b = 1;
    while (b < chunks && b < (1 << 20)) {
      b <<= 1;
    }
    this.buckets = table.keyless() ? 1 : b;
  }

  int bucketCount() {
    return buckets;
  }

  /** The chunk a row is in. */
  String chunkOf() {
    if (rangeKey.isPresent()) {
      String k = TableId.quote(rangeKey.get());
      if (wide) {
        return "floor((" + k + "::numeric - " + min + ") / " + width + ")::bigint";
      }
      // integer arithmetic, as the keys' span fits a bigint; keys below min (on the target only)
      // go to chunk -1, whose rows the same expression reads
      return "CASE WHEN "
          + k
          + " < "
          + min
          + " THEN -1 ELSE ("
          + k
          + "::bigint - "
          + min
          + ") / "
          + width
          + " END";
    }
    if (table.keyless()) {
      return "0::bigint";
    }
    return "(hashtextextended(" + keyText() + ", 0) & " + (buckets - 1) + ")";
  }

  /**
   * Every chunk's row count and the sum of its rows' fingerprints, from one scan; rows are read one
   * by one only in chunks whose figures differ.
   */
  String chunks() {
    return "SELECT "
        + chunkOf()
        + " AS chunk, count(*), coalesce(sum("
        + fingerprint
        + "), 0)::text FROM "
        + table.id().quoted()
        + " GROUP BY 1";
  }

  /**
   * The rows of one chunk, each as its key columns' text and its fingerprint, and on the target the
   * position that wrote it.
   */
  String rowsOf(long chunk, boolean target) {
    return rowsWhere(chunkPredicate(chunk), target);
  }

  /**
   * The rows of the given keys, as {@link #rowsOf}: one text array parameter per key column, in key
   * order.
   */
  String rowsWithKeys(boolean target) {
    return rowsWhere(keysIn(table), target);
  }

  private String rowsWhere(String predicate, boolean target) {
    return "SELECT "
        + keyColumns()
        + ", "
        + fingerprint
        + (target ? ", " + TargetLayout.POSITION_COLUMN : "")
        + " FROM "
        + table.id().quoted()
        + " WHERE "
        + predicate;
  }

  /**
   * A predicate matching the rows whose key is among given keys: one text array parameter per key
   * column, in key order, each cast to its column's type so that the key's index serves it.
   */
  static String keysIn(TableSchema table) {
    List<String> keys = table.keyColumns();
    List<Integer> at = java.util.stream.IntStream.range(0, keys.size()).boxed().toList();
    return keys.stream().map(TableId::quote).collect(Collectors.joining(", ", "(", ")"))
        + " IN (SELECT "
        + at.stream()
            .map(i -> "k.c" + i + "::" + table.column(keys.get(i)).type())
            .collect(Collectors.joining(", "))
        + " FROM unnest("
        + at.stream().map(i -> "?::text[]").collect(Collectors.joining(", "))
        + ") AS k("
        + at.stream().map(i -> "c" + i).collect(Collectors.joining(", "))
        + "))";
  }

  /** What a chunk covers, as a report names it. */
  String describe(long chunk) {
    if (rangeKey.isPresent() && chunk < 0) {
      return rangeKey.get() + " < " + min;
    }
    if (rangeKey.isPresent()) {
      long lo = min + chunk * width;
      return rangeKey.get() + " in [" + lo + ", " + (lo + width) + ")";
    }
    if (table.keyless()) {
      return "the whole table";
    }
    return "key hash bucket " + chunk + " of " + buckets;
  }

  private String chunkPredicate(long chunk) {
    if (rangeKey.isPresent() && chunk >= 0 && !wide) {
      String k = TableId.quote(rangeKey.get());
      // the same rows as the chunk expression, by the key's index
      long lo = min + chunk * width;
      return k + " >= " + lo + " AND " + k + " < " + (lo + width);
    }
    return chunkOf() + " = " + chunk;
  }

  private String keyColumns() {
    if (table.keyless()) {
      return "NULL::text";
    }
    return table.keyColumns().stream()
        .map(k -> TableId.quote(k) + "::text")
        .collect(Collectors.joining(", "));
  }

  private String keyText() {
    return table.keyColumns().stream()
        .map(TableId::quote)
        .collect(Collectors.joining(", ", "ROW(", ")::text"));
  }
}
