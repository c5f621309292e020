package io.sluice.core.schema;

import java.util.Objects;

/** A schema-qualified table name as PostgreSQL stores it (case preserved, unquoted). */
public record TableId(String schema, String table) implements Comparable<TableId> {
  public TableId {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    if (schema.isEmpty() || table.isEmpty()) {
      throw new IllegalArgumentException("schema and table must not be empty");
    }
  }

  /**
   * Parses {@code schema.table}; a bare name means schema {@code public}. Splits on the first dot,
   * so table names containing dots need the schema.
   */
  public static TableId parse(String name) {
    int dot = name.indexOf('.');
    return dot < 0
        ? new TableId("public", name)
        : new TableId(name.substring(0, dot), name.substring(dot + 1));
  }

  /** The name quoted for use in SQL, e.g. {@code "public"."fills"}. */
  public String quoted() {
    return quote(schema) + "." + quote(table);
  }

  /** Quotes one SQL identifier, doubling embedded quotes. */
  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public int compareTo(TableId o) {
    int c = schema.compareTo(o.schema);
    return c != 0 ? c : table.compareTo(o.table);
  }

  @Override
  public String toString() {
    return schema + "." + table;
  }
}
