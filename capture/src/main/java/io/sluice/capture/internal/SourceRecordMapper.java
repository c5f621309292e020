package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Maps a Debezium change record to a sluice {@link ChangeEvent}. Records of tables sluice does not
 * capture (heartbeats, sluice's own tables) map to empty.
 *
 * <p>The position of a streamed change is its own WAL position. For one key these increase in
 * commit order: PostgreSQL makes a second writer of a row (or of a unique key) wait for the first
 * to commit before it writes its own WAL record.
 *
 * <p>A row image is read with the structure {@link SchemaTracker} found it was written with, so a
 * column added, dropped or renamed since (even within the change's transaction) is no problem.
 * Generated columns are not read: the target computes them. It refuses, rather than drops, anything
 * it cannot carry exactly: a value that did not arrive as text stops capture with the table and
 * column named.
 */
public final class SourceRecordMapper {
  /**
   * What {@link PostgresTextConverter} writes in place of an unchanged TOASTed value that the
   * source did not resend. Random per process, so that no stored value can be mistaken for it: a
   * fixed text would turn a row whose column holds that text into an "unchanged" column, and the
   * change would be lost.
   */
  public static final String UNCHANGED_PLACEHOLDER =
      "__sluice_unchanged_toast_" + UUID.randomUUID().toString().replace("-", "") + "__";

  /**
   * What {@link PostgresTextConverter} writes in place of a streamed value that reached it without
   * its exact form (a {@code timetz}, a zero {@code interval}): the column is read from the source
   * row by {@link SourceRowFiller} before the change is sent. Random per process, as {@link
   * #UNCHANGED_PLACEHOLDER} is.
   */
  public static final String REREAD_PLACEHOLDER =
      "__sluice_reread_" + UUID.randomUUID().toString().replace("-", "") + "__";

  private final Function<TableId, Optional<TableSchema>> schemas;

  /** Snapshot rows mapped so far per table without a key: their position in the snapshot. */
  private final Map<TableId, Long> snapshotOrdinals = new HashMap<>();

  /** The position of rows of keyed tables read by the snapshot; see {@link #snapshotAt}. */
  private long snapshotPosition;

  public SourceRecordMapper(Function<TableId, Optional<TableSchema>> schemas) {
    this.schemas = schemas;
  }

  /**
   * Sets the position of the rows the initial snapshot reads from keyed tables: just after the
   * slot's restart position, so they come after every row an earlier, interrupted snapshot wrote
   * and before every change the slot streams (all written after its restart position). Until set,
   * snapshot rows take position 0, the oldest.
   */
  public void snapshotAt(long position) {
    this.snapshotPosition = position;
  }

  public Optional<ChangeEvent> map(SourceRecord record) {
    Optional<Struct> change = envelope(record);
    if (change.isEmpty()) {
      return Optional.empty();
    }
    Struct envelope = change.get();
    Struct source = envelope.getStruct("source");
    TableId table = new TableId(source.getString("schema"), source.getString("table"));
    Optional<TableSchema> schema = schemas.apply(table);
    if (schema.isEmpty()) {
      return Optional.empty();
    }
    Op op = Op.fromCode(envelope.getString("op").charAt(0));
    // Snapshot rows show the state before any streamed change, so they take a position below
    // every streamed one: a streamed change may have been written before the slot's consistent
    // point and still committed after it, and must win over the snapshot row.
    long lsn =
        op == Op.SNAPSHOT
            ? snapshotPosition
            : source.getInt64("lsn") == null ? 0 : source.getInt64("lsn");
    long txId = source.getInt64("txId") == null ? 0 : source.getInt64("txId");
    long tsMicros = sourceMicros(source);
    TableSchema columns = schema.get();
    if (columns.keyless()) {
      return Optional.of(keyless(envelope, source, columns, op, txId, tsMicros));
    }
    if (op == Op.TRUNCATE) {
      return Optional.of(new ChangeEvent(table, op, lsn, txId, tsMicros, Map.of(), null, Set.of()));
    }
    Struct after = op == Op.DELETE ? null : envelope.getStruct("after");
    Struct image = op == Op.DELETE ? envelope.getStruct("before") : after;
    if (image == null) {
      throw new SluiceException(
          "change to " + table + " at LSN " + lsn + " (" + op + ") has no row image");
    }
    Map<String, String> key = new LinkedHashMap<>();
    for (String k : columns.keyColumns()) {
      String v = value(table, image, columns.column(k));
      if (REREAD_PLACEHOLDER.equals(v)) {
        throw new SluiceException(
            "change to "
                + table
                + " at LSN "
                + lsn
                + ": key column "
                + k
                + " of type "
                + columns.column(k).type()
                + " arrived without its exact value, so the row cannot be identified");
      }
      key.put(k, v);
    }
    Map<String, String> values = null;
    Set<String> unchanged = new HashSet<>();
    if (after != null) {
      values = new LinkedHashMap<>();
      for (ColumnSchema column : columns.columns()) {
        if (column.isGenerated()) {
          continue;
        }
        String v = value(table, after, column);
        if (UNCHANGED_PLACEHOLDER.equals(v)) {
          unchanged.add(column.name());
        } else {
          values.put(column.name(), v);
        }
      }
    }
    return Optional.of(new ChangeEvent(table, op, lsn, txId, tsMicros, key, values, unchanged));
  }

  /**
   * A change of a table without a key: an update or delete names its row by the whole old row
   * (REPLICA IDENTITY FULL logs it, TOASTed values included), and an update's unchanged TOASTed
   * values are taken from it. Positioned in stream order: streamed changes by the commit before
   * their transaction and their own position, snapshot rows by their ordinal.
   */
  private ChangeEvent keyless(
      Struct envelope, Struct source, TableSchema columns, Op op, long txId, long tsMicros) {
    TableId table = columns.id();
    long commitOrder;
    long lsn;
    if (op == Op.SNAPSHOT) {
      commitOrder = -1;
      lsn = snapshotOrdinals.merge(table, 1L, Long::sum);
    } else {
      commitOrder = Math.max(1, lastCommitLsn(source));
      lsn = source.getInt64("lsn");
    }
    if (op == Op.TRUNCATE) {
      return ChangeEvent.keyless(table, op, commitOrder, lsn, txId, tsMicros, Map.of(), null);
    }
    Map<String, String> oldRow = Map.of();
    if (op == Op.UPDATE || op == Op.DELETE) {
      Struct before = envelope.getStruct("before");
      if (before == null) {
        throw new SluiceException(
            "change to "
                + table
                + " at LSN "
                + lsn
                + " ("
                + op
                + ") carries no old row; a table without a key needs REPLICA IDENTITY FULL");
      }
      oldRow = wholeRow(table, lsn, before, columns, null);
    }
    Map<String, String> after = null;
    if (op != Op.DELETE) {
      Struct row = envelope.getStruct("after");
      after = wholeRow(table, lsn, row, columns, oldRow);
    }
    return ChangeEvent.keyless(table, op, commitOrder, lsn, txId, tsMicros, oldRow, after);
  }

  private static Map<String, String> wholeRow(
      TableId table, long lsn, Struct row, TableSchema columns, Map<String, String> oldRow) {
    Map<String, String> values = new LinkedHashMap<>();
    for (ColumnSchema column : columns.columns()) {
      if (column.isGenerated()) {
        continue;
      }
      String v = value(table, row, column);
      if (UNCHANGED_PLACEHOLDER.equals(v) && oldRow != null && oldRow.containsKey(column.name())) {
        v = oldRow.get(column.name());
      }
      if (UNCHANGED_PLACEHOLDER.equals(v) || REREAD_PLACEHOLDER.equals(v)) {
        throw new SluiceException(
            "change to "
                + table
                + " at LSN "
                + lsn
                + " carries no exact value for column "
                + column.name()
                + ", and a table without a key has no key to read it by");
      }
      values.put(column.name(), v);
    }
    return values;
  }

  /**
   * The commit before the change's transaction, from Debezium's {@code ["lastCommitLsn","lsn"]}.
   */
  static long lastCommitLsn(Struct source) {
    Field f = source.schema().field("sequence");
    String sequence = f == null ? null : source.getString("sequence");
    if (sequence == null || !sequence.startsWith("[\"")) {
      return 0;
    }
    int end = sequence.indexOf('"', 2);
    return Long.parseLong(sequence.substring(2, end));
  }

  private static String value(TableId table, Struct row, ColumnSchema column) {
    Field f = row.schema().field(column.name());
    if (f == null) {
      throw new SluiceException(
          "change to "
              + table
              + " carries no value for column "
              + column.name()
              + "; its type may not be supported or the schema changed: restart capture");
    }
    Object value = row.get(f);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new SluiceException(
        "change to "
            + table
            + ": column "
            + column.name()
            + " of type "
            + column.type()
            + " arrived as a "
            + value.getClass().getName()
            + " rather than as text: Debezium did not run sluice's converter");
  }

  /**
   * True when a record shows that the initial snapshot is over: it was streamed from the slot (any
   * table, heartbeats included) or it is the snapshot's last record.
   */
  public static boolean endsSnapshot(SourceRecord record) {
    return envelope(record)
        .map(
            envelope -> {
              if (!"r".equals(envelope.getString("op"))) {
                return true;
              }
              Struct source = envelope.getStruct("source");
              return source.schema().field("snapshot") != null
                  && "last".equals(String.valueOf(source.get("snapshot")));
            })
        .orElse(false);
  }

  /**
   * A streamed change of sluice's heartbeat table as a heartbeat event (its position and commit
   * time); empty for any other record. Snapshot reads of that table are not heartbeats: the rest of
   * the snapshot may still follow them.
   */
  public static Optional<ChangeEvent> heartbeat(SourceRecord record) {
    Optional<Struct> change = envelope(record);
    if (change.isEmpty() || "r".equals(change.get().getString("op"))) {
      return Optional.empty();
    }
    Struct source = change.get().getStruct("source");
    TableId table = new TableId(source.getString("schema"), source.getString("table"));
    if (!table.equals(PublicationSetup.HEARTBEAT_TABLE)) {
      return Optional.empty();
    }
    long lsn = source.getInt64("lsn") == null ? 0 : source.getInt64("lsn");
    long txId = source.getInt64("txId") == null ? 0 : source.getInt64("txId");
    return Optional.of(ChangeEvent.heartbeat(table, lsn, txId, sourceMicros(source)));
  }

  /** The change envelope of a record; empty for heartbeats and other non-change records. */
  static Optional<Struct> envelope(SourceRecord record) {
    return record.value() instanceof Struct envelope && envelope.schema().field("op") != null
        ? Optional.of(envelope)
        : Optional.empty();
  }

  /** Source commit time in microseconds, from {@code ts_us} where Debezium sets it. */
  static long sourceMicros(Struct source) {
    if (source.schema().field("ts_us") != null && source.getInt64("ts_us") != null) {
      return source.getInt64("ts_us");
    }
    return source.getInt64("ts_ms") * 1_000;
  }
}
