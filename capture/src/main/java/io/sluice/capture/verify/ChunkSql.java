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
 * <p>A row's fingerprint is the MD5 of its text ({@code ROW(c1, c2, ...)::text} in sluice's verify
 * session settings): exact for every value whose text is exact (NUMERIC digits, timestamp
 * microseconds, NULL against an empty string, {@code -0} against {@code 0}), and blind to what is
 * no difference in value (a jsonb's key order, a {@code char(n)}'s padding). A chunk's figure is
 * its row count and the sum of the first 64 bits of its rows' fingerprints, which does not depend
 * on the order rows are read in, so the chunks of a table come from one scan grouped by chunk.
 *
 * <p>A table keyed by one integer column is chunked by key range ({@code width} keys from {@code
 * min}); any other keyed table by a hash of its key text into {@code buckets} (a power of two); a
 * table without a key is one chunk.
 */
final class ChunkSql {
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

  private final TableSchema table;
  private final String rowText;
  private final Optional<String> rangeKey;
  private long min;
  private long width = 1;
  private int buckets = 1;

  ChunkSql(TableSchema table) {
    this.table = table;
    this.rowText =
        "ROW("
            + table.columns().stream()
                .map(ColumnSchema::quotedName)
                .collect(Collectors.joining(", "))
            + ")::text";
    this.rangeKey =
        table.keyColumns().size() == 1
                && INTEGER_TYPES.contains(table.column(table.keyColumns().get(0)).type())
            ? Optional.of(table.keyColumns().get(0))
            : Optional.empty();
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
  void ranges(long min, long width) {
    this.min = min;
    this.width = Math.max(1, width);
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
      return "floor(("
          + TableId.quote(rangeKey.get())
          + "::numeric - "
          + min
          + ") / "
          + width
          + ")::bigint";
    }
    if (table.keyless()) {
      return "0::bigint";
    }
    return "(hashtextextended(" + keyText() + ", 0) & " + (buckets - 1) + ")";
  }

  /** Every chunk's row count and fingerprint sum, from one scan. */
  String chunks() {
    return "SELECT "
        + chunkOf()
        + " AS chunk, count(*), coalesce(sum(('x' || left(md5("
        + rowText
        + "), 16))::bit(64)::bigint), 0)::text FROM "
        + table.id().quoted()
        + " GROUP BY 1";
  }

  /**
   * The rows of one chunk, each as its key columns' text and its fingerprint, and on the target the
   * position that wrote it.
   */
  String rowsOf(long chunk, boolean target) {
    return "SELECT "
        + keyColumns()
        + ", md5("
        + rowText
        + ")"
        + (target ? ", " + TargetLayout.POSITION_COLUMN : "")
        + " FROM "
        + table.id().quoted()
        + " WHERE "
        + chunkPredicate(chunk);
  }

  /**
   * The rows of the given keys, as {@link #rowsOf}: one text array parameter per key column, in key
   * order.
   */
  String rowsWithKeys(boolean target) {
    List<String> keys = table.keyColumns();
    StringBuilder arrays = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      arrays.append(i == 0 ? "" : ", ").append("?::text[]");
    }
    String keyTuple = keys.stream().map(TableId::quote).collect(Collectors.joining(", ", "(", ")"));
    String typed =
        java.util.stream.IntStream.range(0, keys.size())
            .mapToObj(i -> "k.c" + i + "::" + table.column(keys.get(i)).type())
            .collect(Collectors.joining(", ", "(", ")"));
    String names =
        java.util.stream.IntStream.range(0, keys.size())
            .mapToObj(i -> "c" + i)
            .collect(Collectors.joining(", "));
    return "SELECT "
        + keyColumns()
        + ", md5("
        + rowText
        + ")"
        + (target ? ", " + TargetLayout.POSITION_COLUMN : "")
        + " FROM "
        + table.id().quoted()
        + " WHERE "
        + keyTuple
        + " IN (SELECT "
        + typed.substring(1, typed.length() - 1)
        + " FROM unnest("
        + arrays
        + ") AS k("
        + names
        + "))";
  }

  /** What a chunk covers, as a report names it. */
  String describe(long chunk) {
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
    if (rangeKey.isPresent()) {
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
