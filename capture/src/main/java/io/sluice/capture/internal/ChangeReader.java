package io.sluice.capture.internal;

import io.sluice.capture.CapturedTables;
import io.sluice.capture.SourceCatalog;
import io.sluice.core.Lsn;
import io.sluice.core.SluiceException;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.error.TryAgainException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the engine's records into the events capture sends, reading from the source what a record
 * does not tell: a table's structure after a schema change ({@link SchemaTracker}), the values a
 * change did not carry exactly ({@link SourceRowFiller}), and, while this run takes the initial
 * snapshot, whether a migration rewrote a table before the snapshot read it ({@link
 * SnapshotGuard}). These reads share the held session of {@link SourceConnections}; a failed row
 * read is tried once more on a new one.
 *
 * <p>A source read that fails stops capture ({@link SluiceException}), saying what was being read.
 * Used by the engine's thread only.
 */
public final class ChangeReader {
  private static final Logger log = LoggerFactory.getLogger(ChangeReader.class);

  private final PipelineConfig config;
  private final CapturedTables tables;
  private final SourceConnections source;
  private final Clock clock;
  private final SchemaTracker schemas;
  private final SourceRecordMapper mapper;
  private final SourceRowFiller rowFiller;

  /** Watches this run's initial snapshot for tables rewritten before it read them. */
  private SnapshotGuard snapshotGuard;

  /**
   * @param source its held session serves catalog reads and row fills; the caller closes it
   */
  public ChangeReader(
      PipelineConfig config, CapturedTables tables, SourceConnections source, Clock clock) {
    this.clock = clock;
    this.config = config;
    this.tables = tables;
    this.source = source;
    this.rowFiller = new SourceRowFiller(source);
    this.schemas =
        new SchemaTracker(
            tables.schemas(),
            new SchemaTracker.Catalog() {
              @Override
              public TableSchema describe(TableId table) throws SQLException {
                return SourceCatalog.describe(
                    source.connection(), table, tables.groupOf(table).orElseThrow());
              }

              @Override
              public TableAttributes attributes(TableId table) throws SQLException {
                return TableAttributes.read(source.connection(), table);
              }
            });
    this.mapper = new SourceRecordMapper(schemas::schemaOf);
  }

  /**
   * Before the first record of an initial snapshot: fixes the snapshot's position just after the
   * slot's restart position, and returns each table's {@link Op#RELOAD} from there, to be sent
   * ahead of every row, so rows the target holds from an earlier, interrupted snapshot (or an
   * earlier life of the pipeline) cannot survive or come back.
   *
   * @throws TryAgainException when a captured table changed since the slot was created ({@link
   *     SnapshotGuard#changedSinceSlot}): the snapshot is taken anew
   */
  public List<ChangeEvent> startSnapshot() {
    String slot = config.source().slot();
    long restart;
    try {
      restart = SlotInspector.restartLsn(source.connection(), slot).value();
    } catch (SQLException e) {
      throw new SluiceException(
          "could not read the position of replication slot "
              + slot
              + " for the initial snapshot: "
              + e.getMessage(),
          e);
    }
    List<TableId> changed;
    try {
      snapshotGuard = SnapshotGuard.start(source.connection(), tables.ids());
      changed = SnapshotGuard.changedSinceSlot(source.connection(), slot, tables.ids());
    } catch (SQLException e) {
      throw new SluiceException(
          "could not check the captured tables for changes since slot "
              + slot
              + " was created: "
              + e.getMessage(),
          e);
    }
    if (!changed.isEmpty()) {
      throw SnapshotGuard.rewritten(changed);
    }
    mapper.snapshotAt(restart + 1);
    long now = clock.millis() * 1_000;
    List<ChangeEvent> reloads = new ArrayList<>();
    for (TableId t : tables.ids()) {
      reloads.add(ChangeEvent.reload(schemas.schemaOf(t).orElseThrow(), restart, now));
    }
    log.info(
        "initial snapshot of pipeline {} at slot position {}: {} tables announced for reload",
        config.name(),
        new Lsn(restart),
        tables.ids().size());
    return reloads;
  }

  /** The schema event a record brings, when its table's structure changed with it. */
  public Optional<ChangeEvent> schemaChange(SourceRecord record) {
    try {
      return schemas.observe(record);
    } catch (SQLException e) {
      throw new SluiceException(
          "could not read the source catalog after a schema change: " + e.getMessage(), e);
    }
  }

  /**
   * The record's change, if it carries one. The first snapshot row of a table checks that the table
   * was not rewritten before the snapshot read it.
   */
  public Optional<ChangeEvent> map(SourceRecord record) {
    Optional<ChangeEvent> event = mapper.map(record);
    if (snapshotGuard != null && event.isPresent() && event.get().op() == Op.SNAPSHOT) {
      TableId read = event.get().table();
      guard(g -> g.firstRow(source.connection(), read));
    }
    return event;
  }

  /**
   * The change with the values it lacks read from the source row ({@link SourceRowFiller#needs}),
   * or empty when that row is gone since: whatever removed it follows in the stream. A change that
   * lacks nothing comes back as it is.
   */
  public Optional<ChangeEvent> fill(ChangeEvent e) {
    if (!SourceRowFiller.needs(e)) {
      return Optional.of(e);
    }
    TableSchema schema = schemas.schemaOf(e.table()).orElseThrow();
    try {
      Optional<ChangeEvent> filled;
      try {
        filled = rowFiller.fill(e, schema);
      } catch (SQLException first) {
        // once more on a new connection: the source may have closed the idle one
        source.close();
        filled = rowFiller.fill(e, schema);
      }
      if (filled.isEmpty()) {
        log.info(
            "a change ({}) of {} at LSN {} needs values from a source row that is gone since;"
                + " its removal follows in the stream, so the change is not sent",
            e.op(),
            e.table(),
            e.lsn());
      }
      return filled;
    } catch (SQLException ex) {
      throw new SluiceException(
          "could not read from the source row the values a change ("
              + e.op()
              + ") of "
              + e.table()
              + " at LSN "
              + e.lsn()
              + " did not carry exactly: "
              + ex.getMessage(),
          ex);
    }
  }

  /**
   * The initial snapshot's last record was sent: the tables it found no row in are checked for a
   * rewrite too.
   */
  public void snapshotEnded() {
    if (snapshotGuard != null) {
      guard(g -> g.finished(source.connection()));
      snapshotGuard = null;
    }
  }

  /** A check of {@link SnapshotGuard}, whose reads of the source catalog may fail. */
  private interface GuardCheck {
    void run(SnapshotGuard guard) throws SQLException;
  }

  private void guard(GuardCheck check) {
    try {
      check.run(snapshotGuard);
    } catch (SQLException e) {
      throw new SluiceException(
          "could not check the initial snapshot's tables for rewrites: " + e.getMessage(), e);
    }
  }
}
