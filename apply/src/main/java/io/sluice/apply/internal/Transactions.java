package io.sluice.apply.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs work in one target transaction: committed if it returns, rolled back if it throws. */
public final class Transactions {
  /** Work against a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private Transactions() {}

  /**
   * Runs the work in a transaction, then puts the connection's auto-commit back as it was. When the
   * work fails, the error thrown is the work's: a rollback or reset that fails after it (the
   * connection broke, the pool closed it) is attached as suppressed, never thrown instead, so the
   * cause that decides a retry is not hidden.
   */
  public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    T result;
    try {
      result = work.run(c);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
        c.setAutoCommit(autoCommit);
      } catch (SQLException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    c.setAutoCommit(autoCommit);
    return result;
  }
}
