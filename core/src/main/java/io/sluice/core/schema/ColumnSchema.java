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
 * @param generated for a stored generated column, its generation expression as SQL ({@code
 *     pg_get_expr}); null for any other column. Logical replication does not carry such a column's
 *     values: the target column is generated from the same expression, and nothing writes it
 */
public record ColumnSchema(
    String name, String type, boolean nullable, String defaultExpr, int attnum, String generated) {
  public ColumnSchema(String name, String type, boolean nullable) {
    this(name, type, nullable, null, 0, null);
  }

  public ColumnSchema(String name, String type, boolean nullable, String defaultExpr) {
    this(name, type, nullable, defaultExpr, 0, null);
  }

  public ColumnSchema(String name, String type, boolean nullable, String defaultExpr, int attnum) {
    this(name, type, nullable, defaultExpr, attnum, null);
  }

  /** A stored generated column: its values are computed from the expression, never written. */
  public static ColumnSchema generated(
      String name, String type, boolean nullable, String expression, int attnum) {
    return new ColumnSchema(name, type, nullable, null, attnum, expression);
  }

  /** The same column (same attribute) under another name. */
  public ColumnSchema named(String newName) {
    return new ColumnSchema(newName, type, nullable, defaultExpr, attnum, generated);
  }

  /** Whether the column is generated from an expression, so its values are never written. */
  public boolean isGenerated() {
    return generated != null;
  }

  public String quotedName() {
    return TableId.quote(name);
  }
}
