package io.sluice.capture.internal;

import io.debezium.snapshot.spi.SnapshotQuery;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot query sluice has Debezium run: every column cast to {@code text} under its own name,
 * so that each value arrives as the server's exact text form instead of going through pgjdbc's Java
 * types (which drop a date's era, a {@code timetz}'s offset, and {@code infinity}).
 *
 * <p>Found by Debezium through {@code META-INF/services} under {@link #NAME}.
 */
public final class TextSnapshotQuery implements SnapshotQuery {
  public static final String NAME = "sluice-text";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void configure(Map<String, ?> properties) {
    // the query depends only on the table and its columns
  }

  /**
   * @param tableId the table, quoted as an SQL identifier
   * @param columns the columns to read, each quoted as an SQL identifier
   */
  @Override
  public Optional<String> snapshotQuery(String tableId, List<String> columns) {
    if (columns.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.get(i);
      sql.append(i == 0 ? "" : ", ").append(column).append("::text AS ").append(column);
    }
    return Optional.of(sql.append(" FROM ").append(tableId).toString());
  }
}
