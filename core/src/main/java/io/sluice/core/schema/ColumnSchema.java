package io.sluice.core.schema;

/**
 * One column: its name and its exact SQL type as PostgreSQL's {@code format_type} prints it (so
 * {@code numeric(38,18)} and unconstrained {@code numeric} stay distinct).
 *
 * @param defaultExpr the column's default as SQL ({@code pg_get_expr}), or null for none; a column
 *     added with a default gets it on the target too, so existing rows match the source's
 */
public record ColumnSchema(String name, String type, boolean nullable, String defaultExpr) {
  public ColumnSchema(String name, String type, boolean nullable) {
    this(name, type, nullable, null);
  }

  public String quotedName() {
    return TableId.quote(name);
  }
}
