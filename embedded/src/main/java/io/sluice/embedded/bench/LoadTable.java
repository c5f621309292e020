package io.sluice.embedded.bench;

import io.sluice.core.schema.TableId;
import io.sluice.embedded.verify.ComparedTable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One table of the load benchmark, in schema {@link LoadSchema#SCHEMA}: its columns in table order,
 * its primary key columns in key order and how many rows the source holds.
 */
public record LoadTable(String name, List<String> columns, List<String> primaryKey, long rows) {

  public LoadTable {
    if (primaryKey.isEmpty() || !columns.containsAll(primaryKey)) {
      throw new IllegalArgumentException(
          name + ": primary key " + primaryKey + " must be a non-empty subset of " + columns);
    }
    columns = List.copyOf(columns);
    primaryKey = List.copyOf(primaryKey);
  }

  /** The schema-qualified table. */
  public TableId id() {
    return new TableId(LoadSchema.SCHEMA, name);
  }

  /** The quoted, schema-qualified name for SQL. */
  public String quoted() {
    return id().quoted();
  }

  /** The quoted columns in table order, comma-separated, for a select or COPY column list. */
  public String columnList() {
    return columns.stream().map(TableId::quote).collect(Collectors.joining(", "));
  }

  /** The table as {@code TableComparator} compares it: every column, ordered by the key. */
  public ComparedTable compared() {
    return new ComparedTable(LoadSchema.SCHEMA, name, primaryKey, columns);
  }
}
