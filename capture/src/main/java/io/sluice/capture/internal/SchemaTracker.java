package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Knows the structure each captured table had when the change in hand was written, and notices when
 * it changes at the source.
 *
 * <p>A row image is read with the columns it was written with, not with the catalog's columns of
 * today: capture reads the stream after the fact, so by the time it meets a change, a migration may
 * have added, dropped or renamed columns, even inside the change's own transaction. pgoutput sends
 * a table's columns before the first change written under them, and Debezium builds a new record
 * schema from them; a record whose schema object is not the one last seen for its table is the cue
 * to work out that structure. Each column of the record is matched to the table's attribute (its
 * {@code attnum}, which survives a rename) by name, by the structure known before, or by its place
 * between matched columns; types, defaults and the key come from the catalog for attributes that
 * still exist and from the structure known before for dropped ones. A column of the record that
 * existed only between two changes capture never saw carries values nobody can use: it is left out.
 * A renamed column is announced as such, so the target renames its column. A column dropped and
 * added again under its old name while capture was behind cannot be told apart from the old one:
 * that halts, saying so.
 *
 * <p>Generated columns never travel in a record (logical replication leaves them out) and excluded
 * columns are dropped by Debezium: a table's generated columns are added to the structure from the
 * catalog, and neither kind is taken for a column a record holds.
 *
 * <p>The first record of each table in a process is always announced, since the table may have
 * changed while capture was down. Not thread-safe: capture maps records on one thread.
 */
public final class SchemaTracker {
  /** Reads a table's current structure and attributes from the source catalog. */
  public interface Catalog {
    TableSchema describe(TableId table) throws SQLException;

    /** Every attribute of the table ({@code attnum > 0}), dropped ones too. */
    TableAttributes attributes(TableId table) throws SQLException;
  }

  /** A structure of a table and the attribute number of each of its columns. */
  private record Version(TableSchema schema, Map<String, Integer> attnums) {
    static Version of(TableSchema schema) {
      Map<String, Integer> attnums = new HashMap<>();
      schema.columns().stream()
          .filter(c -> c.attnum() > 0)
          .forEach(c -> attnums.put(c.name(), c.attnum()));
      return new Version(schema, attnums);
    }
  }

  private final Map<TableId, TableSchema> atStart;
  private final Map<TableId, Version> current = new HashMap<>();
  private final Map<TableId, Schema> lastRecordSchema = new HashMap<>();
  private final Catalog catalog;

  public SchemaTracker(Map<TableId, TableSchema> atStart, Catalog catalog) {
    this.atStart = Map.copyOf(atStart);
    this.catalog = catalog;
  }

  /** The structure of the table as of the last record observed (as at start before any). */
  public Optional<TableSchema> schemaOf(TableId table) {
    Version v = current.get(table);
    return v != null ? Optional.of(v.schema()) : Optional.ofNullable(atStart.get(table));
  }

  /**
   * Returns the schema event to send before this record's change, when the record is the first of
   * its table or shows a new structure; empty otherwise and for records of tables not captured.
   * Afterwards {@link #schemaOf} gives the structure the record was written with.
   */
  public Optional<ChangeEvent> observe(SourceRecord record) throws SQLException {
    Optional<Struct> envelope = SourceRecordMapper.envelope(record);
    if (envelope.isEmpty()) {
      return Optional.empty();
    }
    Struct source = envelope.get().getStruct("source");
    TableId table = new TableId(source.getString("schema"), source.getString("table"));
    if (!atStart.containsKey(table) || lastRecordSchema.get(table) == record.valueSchema()) {
      return Optional.empty();
    }
    boolean first = !lastRecordSchema.containsKey(table);
    lastRecordSchema.put(table, record.valueSchema());
    Version before = current.get(table);
    TableAttributes attributes = catalog.attributes(table);
    if (before == null) {
      before = Version.of(atStart.get(table));
    }
    Version version =
        derive(table, columnsOf(envelope.get()), catalog.describe(table), attributes, before);
    current.put(table, version);
    TableSchema announced = version.schema();
    if (!first && announced.equals(before.schema())) {
      return Optional.empty();
    }
    long lsn = source.getInt64("lsn") == null ? 0 : source.getInt64("lsn");
    long txId = source.getInt64("txId") == null ? 0 : source.getInt64("txId");
    return Optional.of(
        ChangeEvent.schemaChange(announced, lsn, txId, SourceRecordMapper.sourceMicros(source)));
  }

  /** The column names of a change record, in the order the source sent them. */
  private static List<String> columnsOf(Struct envelope) {
    Field after = envelope.schema().field("after");
    Field image = after != null ? after : envelope.schema().field("before");
    return image.schema().fields().stream().map(Field::name).toList();
  }

  /** The structure the record's columns were written with. */
  private static Version derive(
      TableId table,
      List<String> columns,
      TableSchema now,
      TableAttributes attributes,
      Version before) {
    int[] attnums = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      Integer live = attributes.liveAttnum(name);
      Integer known = before.attnums().get(name);
      if (live != null && known != null && !live.equals(known) && attributes.isDropped(known)) {
        throw new SluiceException(
            "column "
                + name
                + " of "
                + table
                + " was dropped and added again while capture was behind it; a change written"
                + " with either cannot be told apart from one written with the other. Reload the"
                + " table: stop capture, then start over as docs/operations.md describes.");
      }
      attnums[i] = live != null ? live : known != null ? known : 0;
    }
    inferByPlace(attnums, attributes, now);
    List<ColumnSchema> out = new ArrayList<>();
    Map<String, Integer> outAttnums = new HashMap<>();
    Map<Integer, String> nameByAttnum = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      int attnum = attnums[i];
      ColumnSchema column;
      if (attnum > 0 && !attributes.isDropped(attnum)) {
        column = now.column(attributes.name(attnum)).named(name);
      } else {
        column = knownColumn(before, attnum, name);
      }
      if (column == null) {
        continue; // existed only between changes capture never saw: nobody needs its values
      }
      out.add(column);
      outAttnums.put(name, attnum);
      nameByAttnum.put(attnum, name);
    }
    // Generated columns never travel; they are part of the structure all the same.
    for (ColumnSchema c : now.columns()) {
      if (c.isGenerated() && !outAttnums.containsKey(c.name())) {
        out.add(c);
        outAttnums.put(c.name(), c.attnum());
      }
    }
    List<String> key = new ArrayList<>();
    for (String k : now.keyColumns()) {
      String name = nameByAttnum.get(attributes.liveAttnum(k));
      if (name == null) {
        throw new SluiceException(
            "a change of "
                + table
                + " carries no value for key column "
                + k
                + ": the key changed while capture was behind. Reload the table: stop capture,"
                + " then start over as docs/operations.md describes.");
      }
      key.add(name);
    }
    return new Version(new TableSchema(table, out, key, now.types()), outAttnums);
  }

  /**
   * Gives a column no name or known structure tells apart its attribute by its place: the record
   * lists attributes in attnum order, so an unmatched column lies between its matched neighbours;
   * when that gap holds exactly one unmatched column and one attribute no other column took, they
   * are the same.
   */
  private static void inferByPlace(int[] attnums, TableAttributes attributes, TableSchema now) {
    for (int i = 0; i < attnums.length; i++) {
      if (attnums[i] != 0) {
        continue;
      }
      int from = i;
      while (i + 1 < attnums.length && attnums[i + 1] == 0) {
        i++;
      }
      if (from != i) {
        continue; // several unmatched in a row: their places do not tell
      }
      int low = from == 0 ? 0 : attnums[from - 1];
      int high = from + 1 < attnums.length ? attnums[from + 1] : Integer.MAX_VALUE;
      List<Integer> free = new ArrayList<>();
      for (int attnum : attributes.attnums()) {
        if (attnum > low
            && attnum < high
            && !contains(attnums, attnum)
            && travels(attnum, attributes, now)) {
          free.add(attnum);
        }
      }
      if (free.size() == 1) {
        attnums[from] = free.get(0);
      }
    }
  }

  /**
   * Whether values of the attribute can be in a record: not for a live column capture leaves out
   * (excluded) or that is generated. A dropped attribute may have been a renamed column.
   */
  private static boolean travels(int attnum, TableAttributes attributes, TableSchema now) {
    if (attributes.isDropped(attnum)) {
      return true;
    }
    String name = attributes.name(attnum);
    return now.columns().stream().anyMatch(c -> c.name().equals(name) && !c.isGenerated());
  }

  private static ColumnSchema knownColumn(Version before, int attnum, String name) {
    for (ColumnSchema c : before.schema().columns()) {
      Integer a = before.attnums().get(c.name());
      if (c.name().equals(name) || (attnum > 0 && Objects.equals(a, attnum))) {
        return c.named(name);
      }
    }
    return null;
  }

  private static boolean contains(int[] values, int value) {
    for (int v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }
}
