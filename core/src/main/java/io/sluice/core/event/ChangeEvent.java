package io.sluice.core.event;

import io.sluice.core.schema.TableId;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * @param sourceTsMicros commit time at the source, microseconds since the epoch
 */
public record ChangeEvent(
    TableId table,
    Op op,
    long lsn,
    long txId,
    long sourceTsMicros,
    Map<String, String> key,
    Map<String, String> after,
    Set<String> unchanged) {

  public ChangeEvent {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(op, "op");
    key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
    after = after == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(after));
    unchanged = Set.copyOf(unchanged);
    if (op.isUpsert() && after == null) {
      throw new IllegalArgumentException(op + " event for " + table + " has no row image");
    }
    if (op != Op.TRUNCATE && key.isEmpty()) {
      throw new IllegalArgumentException(op + " event for " + table + " has no key");
    }
  }
}
