package io.sluice.checkpoint;

import java.util.Optional;

/**
 * One chunk of the initial load: a table, or the part of it whose key lies in {@code [lower,
 * upper)}, copied in one target transaction.
 *
 * @param table the table as SQL names it, quoted where needed ({@code public.fills})
 * @param index the chunk's number within its table, from 0
 * @param keyColumn the key column the bounds apply to; empty for a whole table
 * @param lower the least key in the chunk, as text; empty when unbounded
 * @param upper the least key after the chunk, as text; empty when unbounded
 * @param estimatedRows how many rows the plan expected, for progress
 */
public record LoadChunk(
    String table,
    int index,
    Optional<String> keyColumn,
    Optional<String> lower,
    Optional<String> upper,
    long estimatedRows) {
  /** A whole table in one chunk. */
  public static LoadChunk whole(String table, long estimatedRows) {
    return new LoadChunk(
        table, 0, Optional.empty(), Optional.empty(), Optional.empty(), estimatedRows);
  }

  public String id() {
    return table + "#" + index;
  }
}
