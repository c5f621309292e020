package io.sluice.capture.load;

import io.sluice.capture.load.ChunkPlanner.KeyRange;
import io.sluice.capture.load.ChunkPlanner.TableSize;
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
 * key.
 */
final class TableSizes {
  private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");

  private TableSizes() {}

  static List<TableSize> read(
      Connection c, Map<TableId, TableSchema> schemas, List<TableId> ids, long chunkRows)
      throws SQLException {
    List<TableSize> out = new ArrayList<>();
    for (TableId id : ids) {
      TableSchema t = schemas.get(id);
      long estimate = estimate(c, id);
      Optional<String> key = integerKey(t);
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
