package io.sluice.apply.internal;

import java.sql.SQLException;
import java.sql.SQLTransientException;

/**
 * Maps a target error to what apply should do about it. Retriable: connection loss ({@code 08*}),
 * serialization failures and deadlocks ({@code 40001}, {@code 40P01}), server shutdown ({@code
 * 57P0x}), too many connections ({@code 53300}) and timeouts. Bad data ({@code 22*}, {@code 23*})
 * and everything else stop the group.
 */
public final class SqlStateClassifier {
  /** What to do about an error. */
  public enum Action {
    RETRY,
    BAD_DATA,
    FATAL
  }

  private SqlStateClassifier() {}

  public static Action classify(SQLException e) {
    String state = e.getSQLState();
    if (e instanceof SQLTransientException) {
      return Action.RETRY;
    }
    if (state == null) {
      return Action.FATAL;
    }
    if (state.startsWith("08")
        || state.equals("40001")
        || state.equals("40P01")
        || state.startsWith("57P0")
        || state.equals("53300")
        || state.equals("57014")) {
      return Action.RETRY;
    }
    if (state.startsWith("22") || state.startsWith("23")) {
      return Action.BAD_DATA;
    }
    return Action.FATAL;
  }
}
