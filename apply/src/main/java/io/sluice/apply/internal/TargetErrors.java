package io.sluice.apply.internal;

import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.error.SqlStates;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Describes a target error without the row values PostgreSQL puts in its message text ({@code
 * invalid input syntax for type integer: "..."}): the condition name, SQLSTATE and the schema
 * objects the server names (table, column, constraint, type). Logs and dead-letter headers use only
 * this.
 */
public final class TargetErrors {
  private TargetErrors() {}

  /** Any error met while writing to the target; SQL errors as {@link #describe(SQLException)}. */
  public static String describe(Throwable e) {
    return e instanceof SQLException sql ? describe(sql) : ErrorClassifier.describe(e);
  }

  public static String describe(SQLException e) {
    String state = e.getSQLState();
    StringBuilder sb = new StringBuilder(SqlStates.describe(state));
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
    } else if (state == null || !(state.startsWith("22") || state.startsWith("23"))) {
      // Errors the driver or pool raised (connection loss, pool timeouts) carry no row values;
      // their text, and their cause's, is what helps.
      sb.append(": ").append(firstLine(e.getMessage()));
      Throwable cause = e.getCause();
      if (cause != null && cause.getMessage() != null) {
        sb.append(" (").append(firstLine(cause.getMessage())).append(')');
      }
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
