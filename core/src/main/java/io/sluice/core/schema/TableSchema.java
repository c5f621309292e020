package io.sluice.core.schema;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The structure of a captured table: ordered columns and the columns that identify a row (the
 * primary key, or a configured key for tables without one).
 */
public record TableSchema(TableId id, List<ColumnSchema> columns, List<String> keyColumns) {
  public TableSchema {
    columns = List.copyOf(columns);
    keyColumns = List.copyOf(keyColumns);
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("table " + id + " has no key columns");
    }
    for (String k : keyColumns) {
      if (columns.stream().noneMatch(c -> c.name().equals(k))) {
        throw new IllegalArgumentException("key column " + k + " is not a column of " + id);
      }
    }
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSchema::name).toList();
  }

  /** Key columns quoted and comma-separated, for SQL. */
  public String quotedKeyList() {
    return keyColumns.stream().map(TableId::quote).collect(Collectors.joining(", "));
  }
}
