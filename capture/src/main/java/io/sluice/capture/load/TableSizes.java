package io.sluice.capture.load;

import io.sluice.capture.load.ChunkPlanner.KeyRange;
import io.sluice.capture.load.ChunkPlanner.TableSize;
import io.sluice.capture.query.GreenplumSql;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the chunk planner needs to know of each table, read on the source: the planner's row
 * estimate and, for a table keyed by one integer column larger than a chunk, its least and greatest
 * key. On Greenplum a table with a composite key is split by ranges of one of its integer key
 * columns, one of the distribution key where it can ({@link GreenplumSql#chunkColumn}).
 */
final class TableSizes {
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

  private TableSizes() {}

  static List<TableSize> read(
      Connection c, Map<TableId, TableSchema> schemas, List<TableId> ids, long chunkRows)
      throws SQLException {
    boolean greenplum = GreenplumSql.isGreenplum(c);
    List<TableSize> out = new ArrayList<>();
    for (TableId id : ids) {
      TableSchema t = schemas.get(id);
      long estimate = estimate(c, id);
      Optional<String> key = integerKey(t);
      if (key.isEmpty() && greenplum && !t.keyless()) {
        // a composite key holds the distribution key: ranges of it spread over every segment
        key =
            GreenplumSql.chunkColumn(
                t.keyColumns().stream()
                    .filter(k -> INTEGER_TYPES.contains(t.column(k).type()))
                    .toList(),
                GreenplumSql.distributionKey(c, id));
      }
      Optional<KeyRange> keys =
          estimate > chunkRows && key.isPresent() ? keyRange(c, id, key.get()) : Optional.empty();
      out.add(new TableSize(id.quoted(), estimate, keys, t.keyless()));
    }
    return out;
  }

  private static long estimate(Connection c, TableId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ?::regclass")) {
      ps.setString(1, id.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static Optional<String> integerKey(TableSchema t) {
    if (t.keyColumns().size() != 1) {
      return Optional.empty();
    }
    String key = t.keyColumns().get(0);
    return t.columns().stream()
        .filter(col -> col.name().equals(key) && INTEGER_TYPES.contains(col.type()))
        .findFirst()
        .map(col -> key);
  }

  private static Optional<KeyRange> keyRange(Connection c, TableId id, String key)
      throws SQLException {
    String k = TableId.quote(key);
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT min(" + k + "), max(" + k + ") FROM " + id.quoted())) {
      rs.next();
      long min = rs.getLong(1);
      if (rs.wasNull()) {
        return Optional.empty();
      }
      return Optional.of(new KeyRange(key, min, rs.getLong(2)));
    }
  }
}
