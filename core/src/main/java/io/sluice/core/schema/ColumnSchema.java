package io.sluice.core.schema;

/**
 * One column: its name and its exact SQL type as PostgreSQL's {@code format_type} prints it (so
 * {@code numeric(38,18)} and unconstrained {@code numeric} stay distinct).
 *
 * @param defaultExpr the column's default as SQL ({@code pg_get_expr}), or null for none; a column
 *     added with a default gets it on the target too, so existing rows match the source's
 * @param attnum the column's attribute number in the source table, which a rename keeps and a drop
 *     retires; 0 when unknown. The target remembers it per column, so it renames a column the
 *     source renamed instead of adding an empty one
 */
public record ColumnSchema(
    String name, String type, boolean nullable, String defaultExpr, int attnum) {
  public ColumnSchema(String name, String type, boolean nullable) {
    this(name, type, nullable, null, 0);
  }

  public ColumnSchema(String name, String type, boolean nullable, String defaultExpr) {
    this(name, type, nullable, defaultExpr, 0);
  }

  /** The same column (same attribute) under another name. */
  public ColumnSchema named(String newName) {
    return new ColumnSchema(newName, type, nullable, defaultExpr, attnum);
  }

  public String quotedName() {
    return TableId.quote(name);
  }
}
