package io.sluice.core.schema;

/**
 * One column: its name and its exact SQL type as PostgreSQL's {@code format_type} prints it (so
 * {@code numeric(38,18)} and unconstrained {@code numeric} stay distinct).
 */
public record ColumnSchema(String name, String type, boolean nullable) {
  public String quotedName() {
    return TableId.quote(name);
  }
}
