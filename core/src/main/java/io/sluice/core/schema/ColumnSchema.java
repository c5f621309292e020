package io.sluice.core.schema;

/**
 * One column: its name and its exact SQL type as PostgreSQL's {@code format_type} prints it (so
 * {@code numeric(38,18)} and unconstrained {@code numeric} stay distinct).
 *
 * @param defaultExpr the column's default as SQL ({@code pg_get_expr}), or null for none; a column
 *     added with a default gets it on the target too, so existing rows match the source's
 * @param renamedFrom in a schema change, the name the column had before it was renamed; null
 *     otherwise (the target renames its column rather than adding an empty one)
 */
public record ColumnSchema(
    String name, String type, boolean nullable, String defaultExpr, String renamedFrom) {
  public ColumnSchema(String name, String type, boolean nullable) {
    this(name, type, nullable, null, null);
  }

  public ColumnSchema(String name, String type, boolean nullable, String defaultExpr) {
    this(name, type, nullable, defaultExpr, null);
  }

  /** The same column under another name, remembering nothing of a rename. */
  public ColumnSchema named(String newName) {
    return new ColumnSchema(newName, type, nullable, defaultExpr, null);
  }

  /** The same column, noted as renamed from {@code oldName}. */
  public ColumnSchema renamedFrom(String oldName) {
    return new ColumnSchema(name, type, nullable, defaultExpr, oldName);
  }

  public String quotedName() {
    return TableId.quote(name);
  }
}
