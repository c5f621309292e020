package io.sluice.capture.internal;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Knows each captured table's current structure and notices when it changes at the source.
 *
 * <p>Debezium rebuilds a table's record schema when the source sends a new relation description
 * (pgoutput does so before the first change after an ALTER TABLE), so a record whose schema object
 * is not the one last seen for its table is the cue to read the table from the source catalog
 * again. The first record of each table in a process is always announced, since the table may have
 * changed while capture was down. Not thread-safe: capture maps records on one thread.
 */
public final class SchemaTracker {
  /** Reads a table's current structure from the source catalog. */
  public interface Catalog {
    TableSchema describe(TableId table) throws SQLException;
  }

  private final Map<TableId, TableSchema> current;
  private final Map<TableId, Schema> lastRecordSchema = new HashMap<>();
  private final Catalog catalog;

  public SchemaTracker(Map<TableId, TableSchema> atStart, Catalog catalog) {
    this.current = new HashMap<>(atStart);
    this.catalog = catalog;
  }

  public Optional<TableSchema> schemaOf(TableId table) {
    return Optional.ofNullable(current.get(table));
  }

  /**
   * Returns the schema event to send before this record's change, when the record is the first of
   * its table or shows a new structure; empty otherwise and for records of tables not captured.
   */
  public Optional<ChangeEvent> observe(SourceRecord record) throws SQLException {
    Optional<Struct> envelope = SourceRecordMapper.envelope(record);
    if (envelope.isEmpty()) {
      return Optional.empty();
    }
    Struct source = envelope.get().getStruct("source");
    TableId table = new TableId(source.getString("schema"), source.getString("table"));
    if (!current.containsKey(table) || lastRecordSchema.get(table) == record.valueSchema()) {
      return Optional.empty();
    }
    boolean first = !lastRecordSchema.containsKey(table);
    lastRecordSchema.put(table, record.valueSchema());
    TableSchema fresh = catalog.describe(table);
    if (!first && fresh.equals(current.get(table))) {
      return Optional.empty();
    }
    current.put(table, fresh);
    long lsn = source.getInt64("lsn") == null ? 0 : source.getInt64("lsn");
    long txId = source.getInt64("txId") == null ? 0 : source.getInt64("txId");
    return Optional.of(
        ChangeEvent.schemaChange(fresh, lsn, txId, SourceRecordMapper.sourceMicros(source)));
  }
}
