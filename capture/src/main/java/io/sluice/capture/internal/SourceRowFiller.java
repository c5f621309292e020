package io.sluice.capture.internal;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Completes a change whose row image lacks values the stream does not hold exactly, by reading them
 * from the source row at the change's key, as text under the session settings of the snapshot:
 *
 * <ul>
 *   <li>the insert half of a primary-key update whose row kept TOASTed values it did not resend:
 *       PostgreSQL logs such an update with the new key and without those values (REPLICA IDENTITY
 *       DEFAULT), and the old row on the target may already be gone (the old key's delete can run
 *       on another partition);
 *   <li>columns whose streamed value lost its exact form on the way ({@link
 *       SourceRecordMapper#REREAD_PLACEHOLDER}: a {@code timetz}, a zero {@code interval}).
 * </ul>
 *
 * <p>The source row may already show later changes than this one; each of those follows in the
 * stream with its own, newer position and rewrites the row, so the target converges on the same
 * row. When the row is gone from the source, whatever removed it (a delete, another key update, a
 * truncate) follows in the stream too, so the change is dropped: writing it could only be undone.
 */
public final class SourceRowFiller {
  /** Opens a source connection with {@link DebeziumProperties#SESSION_OPTIONS}. */
  public interface Source {
    Connection connection() throws SQLException;
  }

  private final Source source;

  public SourceRowFiller(Source source) {
    this.source = source;
  }

  /** Whether the change lacks values that only the source row holds. */
  public static boolean needs(ChangeEvent e) {
    if (e.op() == Op.INSERT && !e.unchanged().isEmpty()) {
      return true;
    }
    return e.after() != null && e.after().containsValue(SourceRecordMapper.REREAD_PLACEHOLDER);
  }

  /**
   * The change with its missing values read from the source, or empty when the row at its key is
   * gone from the source. An update keeps its unchanged TOASTed columns unchanged.
   */
  public Optional<ChangeEvent> fill(ChangeEvent e, TableSchema schema) throws SQLException {
    boolean insert = e.op() == Op.INSERT;
    List<String> missing =
        schema.columns().stream()
            .map(ColumnSchema::name)
            .filter(
                c ->
                    (insert && e.unchanged().contains(c))
                        || SourceRecordMapper.REREAD_PLACEHOLDER.equals(e.after().get(c)))
            .toList();
    try (PreparedStatement ps = source.connection().prepareStatement(query(schema, missing))) {
      int i = 1;
      for (String k : schema.keyColumns()) {
        ps.setString(i++, e.key().get(k));
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Map<String, String> read = new HashMap<>();
        for (int m = 0; m < missing.size(); m++) {
          read.put(missing.get(m), rs.getString(m + 1));
        }
        // In the table's column order, as the change carried them.
        Map<String, String> after = new LinkedHashMap<>();
        for (String column : schema.columnNames()) {
          if (read.containsKey(column)) {
            after.put(column, read.get(column));
          } else if (e.after().containsKey(column)) {
            after.put(column, e.after().get(column));
          }
        }
        return Optional.of(e.withRow(after, insert ? Set.of() : e.unchanged()));
      }
    }
  }

  static String query(TableSchema schema, List<String> columns) {
    TableId id = schema.id();
    List<String> where = new ArrayList<>();
    for (String k : schema.keyColumns()) {
      ColumnSchema c = schema.column(k);
      where.add(c.quotedName() + " = CAST(? AS " + c.type() + ")");
    }
    return "SELECT "
        + columns.stream().map(c -> TableId.quote(c) + "::text").collect(Collectors.joining(", "))
        + " FROM "
        + id.quoted()
        + " WHERE "
        + String.join(" AND ", where);
  }
}
