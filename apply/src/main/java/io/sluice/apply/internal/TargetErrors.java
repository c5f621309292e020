package io.sluice.apply.internal;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Describes a target error without the row values PostgreSQL puts in its message text ({@code
 * invalid input syntax for type integer: "..."}): the condition name, SQLSTATE and the schema
 * objects the server names (table, column, constraint, type). Logs and dead-letter headers use only
 * this.
 */
public final class TargetErrors {
  private static final Map<String, String> CONDITIONS =
      Map.ofEntries(
          Map.entry("22001", "string_data_right_truncation"),
          Map.entry("22003", "numeric_value_out_of_range"),
          Map.entry("22004", "null_value_not_allowed"),
          Map.entry("22007", "invalid_datetime_format"),
          Map.entry("22008", "datetime_field_overflow"),
          Map.entry("22012", "division_by_zero"),
          Map.entry("22021", "character_not_in_repertoire"),
          Map.entry("22P02", "invalid_text_representation"),
          Map.entry("22P05", "untranslatable_character"),
          Map.entry("23502", "not_null_violation"),
          Map.entry("23503", "foreign_key_violation"),
          Map.entry("23505", "unique_violation"),
          Map.entry("23514", "check_violation"),
          Map.entry("23P01", "exclusion_violation"),
          Map.entry("40001", "serialization_failure"),
          Map.entry("40P01", "deadlock_detected"),
          Map.entry("42P01", "undefined_table"),
          Map.entry("42703", "undefined_column"),
          Map.entry("42701", "duplicate_column"),
          Map.entry("42804", "datatype_mismatch"),
          Map.entry("42501", "insufficient_privilege"),
          Map.entry("53300", "too_many_connections"),
          Map.entry("57014", "query_canceled"));

  private TargetErrors() {}

  public static String describe(SQLException e) {
    String state = e.getSQLState();
    StringBuilder sb = new StringBuilder(CONDITIONS.getOrDefault(state, "error"));
    sb.append(" (SQLSTATE ").append(state).append(')');
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      ServerErrorMessage m = p.getServerErrorMessage();
      List<String> where = new ArrayList<>();
      if (m.getTable() != null) {
        where.add("table " + (m.getSchema() == null ? "" : m.getSchema() + ".") + m.getTable());
      }
      if (m.getColumn() != null) {
        where.add("column " + m.getColumn());
      }
      if (m.getConstraint() != null) {
        where.add("constraint " + m.getConstraint());
      }
      if (m.getDatatype() != null) {
        where.add("type " + m.getDatatype());
      }
      if (!where.isEmpty()) {
        sb.append(" on ").append(String.join(", ", where));
      }
    } else if (state == null || state.startsWith("08")) {
      // Connection errors carry no row values; their text is what helps.
      sb.append(": ").append(e.getMessage());
    }
    return sb.toString();
  }
}
