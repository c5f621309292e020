package io.sluice.capture.verify;

import io.sluice.capture.internal.DebeziumProperties;
import io.sluice.capture.internal.ExportedSnapshot;
import io.sluice.capture.internal.GuardedBatches;
import io.sluice.capture.internal.SourceConnections;
import io.sluice.capture.load.GuardedWriter;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableSchema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Copies given keys of a table again from a new source snapshot through the target's guarded write
 * path, as {@code sluice ctl resnapshot} copies a whole table: rows the snapshot holds are written
 * at its position (a change newer than the snapshot keeps its row), keys it does not hold are
 * deleted at it, leaving tombstones.
 */
final class Repair {
  private static final int BATCH = 5_000;

  private final PipelineConfig config;
  private final Supplier<GuardedWriter> writers;

  Repair(PipelineConfig config, Supplier<GuardedWriter> writers) {
    this.config = config;
    this.writers = writers;
  }

  /** Repairs the keys; returns how many. */
  long run(TableSchema table, Set<TableCheck.Key> keys) throws SQLException, InterruptedException {
    String slot = "sluice_repair_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    try (ExportedSnapshot exported =
            ExportedSnapshot.createTemporarySlot(
                config.source(), slot, DebeziumProperties.SESSION_OPTIONS);
        Connection source = new SourceConnections(config.source(), "repair").open();
        GuardedBatches batches = new GuardedBatches(config.target(), writers, table.id())) {
      Verifier.session(source); // the key texts read as the comparison read them
      long position = exported.position(source);
      source.setAutoCommit(false);
      try (Statement st = source.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        st.execute("SET TRANSACTION SNAPSHOT '" + exported.name() + "'");
      }
      List<TableCheck.Key> all = new ArrayList<>(keys);
      for (int from = 0; from < all.size(); from += BATCH) {
        List<TableCheck.Key> part = all.subList(from, Math.min(all.size(), from + BATCH));
        batches.write(changes(source, table, part, position));
      }
      source.commit();
      return keys.size();
    }
  }

  /** The keys' rows in the snapshot as upserts, and deletes for the keys it does not hold. */
  static List<ChangeEvent> changes(
      Connection source, TableSchema table, List<TableCheck.Key> keys, long position)
      throws SQLException {
    List<ColumnSchema> columns = table.columns().stream().filter(c -> !c.isGenerated()).toList();
    List<String> keyColumns = table.keyColumns();
    String select =
        "SELECT "
            + columns.stream().map(c -> c.quotedName() + "::text").collect(Collectors.joining(", "))
            + " FROM "
            + table.id().quoted()
            + " WHERE "
            + ChunkSql.keysIn(table);
    List<ChangeEvent> out = new ArrayList<>();
    Set<List<String>> found = new HashSet<>();
    List<Array> arrays = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement(select)) {
      for (int i = 0; i < keyColumns.size(); i++) {
        final int column = i;
        Array a =
            source.createArrayOf("text", keys.stream().map(k -> k.values().get(column)).toArray());
        arrays.add(a);
        ps.setArray(i + 1, a);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, String> after = new LinkedHashMap<>();
          for (int i = 0; i < columns.size(); i++) {
            after.put(columns.get(i).name(), rs.getString(i + 1));
          }
          Map<String, String> key = new LinkedHashMap<>();
          for (String k : keyColumns) {
            key.put(k, after.get(k));
          }
          found.add(new ArrayList<>(key.values()));
          out.add(new ChangeEvent(table.id(), Op.SNAPSHOT, position, 0, 0, key, after, Set.of()));
        }
      }
    } finally {
      for (Array a : arrays) {
        a.free();
      }
    }
    for (TableCheck.Key k : keys) {
      if (!found.contains(k.values())) {
        Map<String, String> key = new LinkedHashMap<>();
        for (int i = 0; i < keyColumns.size(); i++) {
          key.put(keyColumns.get(i), k.values().get(i));
        }
        out.add(new ChangeEvent(table.id(), Op.DELETE, position, 0, 0, key, null, Set.of()));
      }
    }
    return out;
  }
}
