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

  /** Runs the work in a transaction, then puts the connection's auto-commit back as it was. */
  public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }
}
