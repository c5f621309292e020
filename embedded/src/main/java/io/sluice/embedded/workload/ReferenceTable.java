package io.sluice.embedded.workload;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A small reference table of the trading workload, described so that its rows are pure functions of
 * two integers: the key number {@code k}, which determines the primary key, and the variant {@code
 * v}, which together with {@code k} determines every other column. Seeding uses keys {@code
 * 1..rows} with variant 0; the change generator inserts, updates and deletes keys in {@code
 * 1..2*rows} with random variants. So every statement is deterministic SQL, the same for all 32
 * tables, and no row values travel through Java.
 */
record ReferenceTable(String name, List<Column> key, List<Column> values, int rows) {

  /** A column with its SQL type and its value as an SQL expression over {@code k} and {@code v}. */
  record Column(String name, String sqlType, String expression, boolean nullable) {

    String definition() {
      return name + " " + sqlType + (nullable ? "" : " NOT NULL");
    }
  }

  /**
   * The value shapes the non-key columns draw from; all deterministic in {@code (k, v)} plus a
   * per-column salt {@code {c}}, so that two columns of one shape never hold equal values and a
   * swapped column would show.
   */
  enum Shape {
    NUMERIC(
        "numeric(20,8)",
        "round(((k::bigint * 7919 + v::bigint * 104729 + {c} * 15485863) % 100000000)::numeric"
            + " / 9973, 8)"),
    TEXT(
        "text",
        "(ARRAY['alpha','Ünïcødé','日本語','ελληνικά','emoji 🎯','quote '' and \\'])"
            + "[(k + v + {c}) % 6 + 1] || ' #' || k || '.' || v || '.' || {c}"),
    NULLABLE_TEXT(
        "text",
        "CASE WHEN (k + v + {c}) % 4 = 0 THEN NULL ELSE 'note ' || k || '/' || v || '/' || {c} END"),
    TIMESTAMPTZ(
        "timestamptz",
        "timestamptz '2024-01-01 00:00:00+00' + (k * 3600 + v * 61 + {c} * 86400) * interval '1"
            + " second' + ((k * 7 + v * 13 + {c}) % 1000000) * interval '1 microsecond'"),
    BOOLEAN("boolean", "(k + v + {c}) % 3 = 0"),
    INTEGER("integer", "(k * 31 + v * 17 + {c} * 1009) % 100000"),
    DATE("date", "date '2024-01-01' + ((k + v + {c} * 37) % 3650)");

    private final String sqlType;
    private final String expression;

    Shape(String sqlType, String expression) {
      this.sqlType = sqlType;
      this.expression = expression;
    }

    /**
     * @param salt distinguishes this column from others of the same shape in one table
     */
    Column column(String name, int salt) {
      return new Column(
          name, sqlType, expression.replace("{c}", Integer.toString(salt)), this == NULLABLE_TEXT);
    }
  }

  static Column intKey(String name) {
    return keyColumn(name, "integer", "k");
  }

  static Column textKey(String name, String codePrefix) {
    return keyColumn(name, "text", "'" + codePrefix + "' || lpad(k::text, 5, '0')");
  }

  /** A key column computed from {@code k} alone; part of a composite key when combined. */
  static Column keyColumn(String name, String sqlType, String expressionOfK) {
    return new Column(name, sqlType, expressionOfK, false);
  }

  String createSql() {
    String columns =
        Stream.concat(key.stream(), values.stream())
            .map(Column::definition)
            .collect(Collectors.joining(", "));
    return "CREATE TABLE " + name + " (" + columns + ", PRIMARY KEY (" + keyNames() + "))";
  }

  /** Seeds keys {@code 1..rows} in one statement. */
  String seedSql() {
    return insertPrefix()
        + " FROM (SELECT g AS k, 0 AS v FROM generate_series(1, "
        + rows
        + ") AS g) AS s";
  }

  /** Parameters: k, v. Inserts nothing if the key exists. */
  String insertSql() {
    return insertPrefix() + " FROM (SELECT ?::int AS k, ?::int AS v) AS s ON CONFLICT DO NOTHING";
  }

  /** Parameters: k, v. Rewrites every non-key column of key k. */
  String updateSql() {
    String assignments =
        values.stream()
            .map(column -> column.name() + " = " + column.expression())
            .collect(Collectors.joining(", "));
    return "UPDATE "
        + name
        + " SET "
        + assignments
        + " FROM (SELECT ?::int AS k, ?::int AS v) AS s WHERE "
        + keyMatch();
  }

  /** Parameter: k. */
  String deleteSql() {
    return "DELETE FROM " + name + " USING (SELECT ?::int AS k) AS s WHERE " + keyMatch();
  }

  List<String> columnNames() {
    return Stream.concat(key.stream(), values.stream()).map(Column::name).toList();
  }

  List<String> keyColumnNames() {
    return key.stream().map(Column::name).toList();
  }

  private String insertPrefix() {
    String expressions =
        Stream.concat(key.stream(), values.stream())
            .map(Column::expression)
            .collect(Collectors.joining(", "));
    return "INSERT INTO "
        + name
        + " ("
        + String.join(", ", columnNames())
        + ") SELECT "
        + expressions;
  }

  private String keyMatch() {
    return "("
        + keyNames()
        + ") = ("
        + key.stream().map(Column::expression).collect(Collectors.joining(", "))
        + ")";
  }

  private String keyNames() {
    return String.join(", ", keyColumnNames());
  }
}
