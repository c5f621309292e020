package io.sluice.capture.query;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The statements that poll one table by its watermark column, in SQL that PostgreSQL and Greenplum
 * 7 (PostgreSQL 12 based) both accept.
 *
 * <p>A poll reads every row whose watermark is at or above the stored watermark less the look-back
 * (so ties with the stored value, and transactions that committed late with an older value, are
 * read again; the position guard makes a second read of an unchanged row harmless), all in one
 * snapshot, and no {@code LIMIT}: paging by a watermark value that several rows share would skip
 * some. The new stored watermark is the highest value read, but a time never past the source's
 * clock: a row stamped by a clock ahead of the source's is read again on every poll until the
 * source's clock passes it, instead of pushing the watermark past rows stamped correctly later.
 * Rows whose watermark is NULL are never read by a poll; the diff brings them.
 */
public final class WatermarkSql {
  /** What a watermark column holds. */
  public enum Kind {
    /** A timestamp or a date: the look-back is a duration, the watermark capped at the clock. */
    TIME,
    /** A number, such as a load batch id: the look-back is a count of ids, no cap. */
    NUMBER
  }

  private final TableSchema table;
  private final ColumnSchema column;
  private final Kind kind;

  private WatermarkSql(TableSchema table, ColumnSchema column, Kind kind) {
    this.table = table;
    this.column = column;
    this.kind = kind;
  }

  /**
   * The poll statements of {@code table} by {@code column}.
   *
   * @throws IllegalArgumentException naming the table and column when the column is missing or of a
   *     type no watermark can have
   */
  public static WatermarkSql of(TableSchema table, String column) {
    ColumnSchema c =
        table.columns().stream()
            .filter(col -> col.name().equals(column))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "watermark column "
                            + column
                            + " of "
                            + table.id()
                            + " does not exist (or is excluded); columns: "
                            + table.columnNames()));
    Kind kind =
        kindOf(c.type())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "watermark column "
                            + column
                            + " of "
                            + table.id()
                            + " has type "
                            + c.type()
                            + "; a watermark is a timestamp, a date or a number that every"
                            + " write moves forward"));
    return new WatermarkSql(table, c, kind);
  }

  /** The kind of a watermark column of the given type, if it can be one. */
  public static Optional<Kind> kindOf(String type) {
    String base = type.contains("(") ? type.substring(0, type.indexOf('(')).trim() : type;
    if (type.startsWith("timestamp") || base.equals("date")) {
      return Optional.of(Kind.TIME);
    }
    if (List.of("smallint", "integer", "bigint", "numeric").contains(base)) {
      return Optional.of(Kind.NUMBER);
    }
    return Optional.empty();
  }

  public Kind kind() {
    return kind;
  }

  public String column() {
    return column.name();
  }

  public boolean nullable() {
    return column.nullable();
  }

  /**
   * Reads the rows past a watermark: every column as text, in the table's column order (generated
   * columns left out). Parameters: the stored watermark (text), the look-back ({@link
   * #lookbackParameter}).
   */
  public String rowsSince() {
    return rows() + " WHERE " + since();
  }

  /** Reads every row: for a table whose watermark is not yet known (empty when it was read). */
  public String allRows() {
    return rows();
  }

  /**
   * The watermark after reading the rows past a stored one: the higher of the stored one and the
   * highest value read (capped at the clock for times), as text. Parameters: the stored watermark,
   * the stored watermark, the look-back.
   */
  public String highSince() {
    return "SELECT greatest(CAST(? AS "
        + column.type()
        + "), "
        + capped()
        + ")::text FROM "
        + table.id().quoted()
        + " WHERE "
        + since();
  }

  /** The watermark of the whole table (capped at the clock for times); NULL when it is empty. */
  public String highOfAll() {
    return "SELECT (" + capped() + ")::text FROM " + table.id().quoted();
  }

  /**
   * The look-back as the statements take it: an interval's text for times, a number of ids
   * otherwise.
   */
  public Object lookbackParameter(Duration lookback, long lookbackIds) {
    return kind == Kind.TIME
        ? (lookback.toNanos() / 1_000) + " microseconds"
        : (Object) Long.valueOf(lookbackIds);
  }

  /** The columns the rows are read with, in the order the statements read them. */
  public List<ColumnSchema> columns() {
    return readColumns(table);
  }

  private String since() {
    String c = column.quotedName();
    return kind == Kind.TIME
        ? c + " >= (CAST(? AS " + column.type() + ") - CAST(? AS interval))"
        : c + " >= (CAST(? AS numeric) - ?)";
  }

  private String capped() {
    String max = "max(" + column.quotedName() + ")";
    if (kind == Kind.NUMBER) {
      return max;
    }
    String clock =
        column.type().startsWith("timestamp") && column.type().contains("with time zone")
            ? "now()"
            : column.type().startsWith("timestamp") ? "LOCALTIMESTAMP" : "CURRENT_DATE";
    return "least(" + max + ", " + clock + ")";
  }

  private String rows() {
    return "SELECT "
        + readColumns(table).stream()
            .map(c -> c.quotedName() + "::text")
            .collect(Collectors.joining(", "))
        + " FROM "
        + table.id().quoted();
  }

  static List<ColumnSchema> readColumns(TableSchema table) {
    return table.columns().stream().filter(c -> !c.isGenerated()).toList();
  }

  TableId table() {
    return table.id();
  }
}
