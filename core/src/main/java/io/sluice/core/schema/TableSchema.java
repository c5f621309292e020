package io.sluice.core.schema;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The structure of a captured table: ordered columns, the columns that identify a row (the primary
 * key, or a configured key for tables without one; none for a table without a key under REPLICA
 * IDENTITY FULL, whose rows are a multiset), and the user-defined types (enums, domains) its
 * columns use, each listed after the types it depends on, so they can be created in this order.
 */
public record TableSchema(
    TableId id, List<ColumnSchema> columns, List<String> keyColumns, List<UserType> types) {
  public TableSchema {
    columns = List.copyOf(columns);
    keyColumns = List.copyOf(keyColumns);
    types = List.copyOf(types);
    for (String k : keyColumns) {
      if (columns.stream().noneMatch(c -> c.name().equals(k))) {
        throw new IllegalArgumentException("key column " + k + " is not a column of " + id);
      }
    }
  }

  /** A table whose columns use built-in types only. */
  public TableSchema(TableId id, List<ColumnSchema> columns, List<String> keyColumns) {
    this(id, columns, keyColumns, List.of());
  }

  /**
   * The column of that name.
   *
   * @throws IllegalArgumentException if the table has none
   */
  public ColumnSchema column(String name) {
    return columns.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("table " + id + " has no column " + name));
  }

  /** Whether rows have no key: identical rows may repeat, and a change names its row by value. */
  public boolean keyless() {
    return keyColumns.isEmpty();
  }

  /**
   * The table as changes write it: without its generated columns, whose values the target computes.
   * This table itself when it has none.
   */
  public TableSchema written() {
    if (columns.stream().noneMatch(ColumnSchema::isGenerated)) {
      return this;
    }
    return new TableSchema(
        id, columns.stream().filter(c -> !c.isGenerated()).toList(), keyColumns, types);
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSchema::name).toList();
  }

  /** Key columns quoted and comma-separated, for SQL. */
  public String quotedKeyList() {
    return keyColumns.stream().map(TableId::quote).collect(Collectors.joining(", "));
  }
}
