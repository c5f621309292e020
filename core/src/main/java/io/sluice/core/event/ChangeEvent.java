package io.sluice.core.event;

import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One committed change to one row of a captured table.
 *
 * <p>{@code lsn} is the source position of the change; for a given key, positions increase in
 * source commit order (row locks serialize writers of one key), so the target can ignore any change
 * whose position is not newer than the one that wrote the row. {@code key} holds the key columns'
 * values and {@code after} the full new row (null for deletes and truncates); values are PostgreSQL
 * text literals, {@code null} for SQL NULL. {@code unchanged} names TOASTed columns the source did
 * not resend because the update did not touch them: their target value must be kept.
 *
 * <p>A {@link Op#SCHEMA} event carries the table's new structure in {@code schema} and no row.
 *
 * <p>A change of a table without a key ({@link TableSchema#keyless()}) names its row by value:
 * {@code key} holds the whole old row of an update or delete and is empty for an insert. Such
 * changes cannot be ordered by key, so they carry a position in stream order instead, {@code
 * (commitOrder, lsn)}: see {@link #commitOrder()}.
 *
 * @param sourceTsMicros commit time at the source, microseconds since the epoch
 * @param schema the table's structure, only on {@link Op#SCHEMA} events (null otherwise)
 * @param commitOrder 0 for a change of a table with a key. For a table without one: for a streamed
 *     change, the source position of the commit before its transaction's (at least 1), which with
 *     {@code lsn} increases in the order the source committed; for a snapshot row -1, with its
 *     ordinal in the table's snapshot as {@code lsn}
 */
public record ChangeEvent(
    TableId table,
    Op op,
    long lsn,
    long txId,
    long sourceTsMicros,
    Map<String, String> key,
    Map<String, String> after,
    Set<String> unchanged,
    TableSchema schema,
    long commitOrder) {

  /** A row change or truncate. */
  public ChangeEvent(
      TableId table,
      Op op,
      long lsn,
      long txId,
      long sourceTsMicros,
      Map<String, String> key,
      Map<String, String> after,
      Set<String> unchanged) {
    this(table, op, lsn, txId, sourceTsMicros, key, after, unchanged, null, 0);
  }

  /** A change of a table without a key, at its position in stream order. */
  public static ChangeEvent keyless(
      TableId table,
      Op op,
      long commitOrder,
      long lsn,
      long txId,
      long sourceTsMicros,
      Map<String, String> oldRow,
      Map<String, String> after) {
    if (commitOrder == 0) {
      throw new IllegalArgumentException("change of " + table + " without a key has no order");
    }
    return new ChangeEvent(
        table, op, lsn, txId, sourceTsMicros, oldRow, after, Set.of(), null, commitOrder);
  }

  /** Whether the change is of a table without a key, ordered by {@link #commitOrder()}. */
  public boolean isKeyless() {
    return commitOrder != 0;
  }

  /** The same change with other values; keeps its position. */
  public ChangeEvent withRow(Map<String, String> after, Set<String> unchanged) {
    return new ChangeEvent(
        table, op, lsn, txId, sourceTsMicros, key, after, unchanged, schema, commitOrder);
  }

  /**
   * The table is about to be copied anew by a snapshot ordered after {@code lsn} ({@link
   * Op#RELOAD}); a table without a key gets it first in its stream order.
   */
  public static ChangeEvent reload(TableSchema table, long lsn, long tsMicros) {
    return table.keyless()
        ? keyless(table.id(), Op.RELOAD, -1, 0, 0, tsMicros, Map.of(), null)
        : new ChangeEvent(table.id(), Op.RELOAD, lsn, 0, tsMicros, Map.of(), null, Set.of());
  }

  /** The structure of a table changed; {@code lsn} is that of the first change written under it. */
  public static ChangeEvent schemaChange(TableSchema schema, long lsn, long txId, long tsMicros) {
    return new ChangeEvent(
        schema.id(), Op.SCHEMA, lsn, txId, tsMicros, Map.of(), null, Set.of(), schema, 0);
  }

  /**
   * A source heartbeat committed at {@code tsMicros} at position {@code lsn} ({@link
   * Op#HEARTBEAT}); {@code table} is the heartbeat table.
   */
  public static ChangeEvent heartbeat(TableId table, long lsn, long txId, long tsMicros) {
    return new ChangeEvent(table, Op.HEARTBEAT, lsn, txId, tsMicros, Map.of(), null, Set.of());
  }

  public ChangeEvent {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(op, "op");
    key = FrozenRow.copyOf(key);
    after = after == null ? null : FrozenRow.copyOf(after);
    unchanged = Set.copyOf(unchanged);
    if (op.isUpsert() && after == null) {
      throw new IllegalArgumentException(op + " event for " + table + " has no row image");
    }
    if ((op == Op.SCHEMA) != (schema != null)) {
      throw new IllegalArgumentException(
          "event for " + table + ": a table schema goes with, and only with, a SCHEMA event");
    }
    boolean insert = op == Op.INSERT || op == Op.SNAPSHOT;
    if (op != Op.TRUNCATE
        && op != Op.RELOAD
        && op != Op.SCHEMA
        && op != Op.HEARTBEAT
        && key.isEmpty()
        && !(insert && commitOrder != 0)) {
      throw new IllegalArgumentException(op + " event for " + table + " has no key");
    }
  }
}
