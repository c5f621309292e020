package io.sluice.test.verify;

/** Quoting of PostgreSQL identifiers, so any table or column name is safe inside generated SQL. */
final class Identifiers {

  private Identifiers() {}

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
