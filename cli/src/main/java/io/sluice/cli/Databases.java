package io.sluice.cli;

import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.SluiceException;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.Secret;
import io.sluice.core.error.ErrorClass;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Opens the source and target connections of {@code sluice run} at start, and turns a refusal into
 * a message that names the side, where it connects, and what to set: the same "password
 * authentication failed" from either database is not a message an operator can act on.
 */
public final class Databases {
  private Databases() {}

  public static Connection source(PipelineConfig config) throws SQLException {
    var s = config.source();
    return connect("source", s.jdbcUrl(), s.host(), s.port(), s.database(), s.user(), s.password());
  }

  public static Connection target(PipelineConfig config) throws SQLException {
    var t = config.target();
    return connect("target", t.jdbcUrl(), t.host(), t.port(), t.database(), t.user(), t.password());
  }

  private static Connection connect(
      String side, String url, String host, int port, String database, String user, Secret password)
      throws SQLException {
    try {
      return DriverManager.getConnection(url, user, password.value());
    } catch (SQLException e) {
      if (ErrorClassifier.classify(e) == ErrorClass.RETRIABLE) {
        throw e; // away for now: waited for, and named in the retry log
      }
      throw new SluiceException(
          "cannot connect to the "
              + side
              + " database "
              + database
              + " on "
              + host
              + ":"
              + port
              + " as "
              + user
              + ": "
              + ErrorClassifier.describe(e)
              + hint(side, e.getSQLState(), password),
          e);
    }
  }

  /** What to do about a refusal, by its SQLSTATE. */
  private static String hint(String side, String state, Secret password) {
    String variable = "SLUICE_" + side.toUpperCase(java.util.Locale.ROOT) + "_PASSWORD";
    if (state != null && state.startsWith("28") && password.isSupplied()) {
      return ". The password came from "
          + password
          + ": with "
          + side
          + ".auth iam, the user needs the rds_iam role and this pod's IAM role rds-db:connect"
          + " on it; with "
          + side
          + ".password-secret, the secret must hold the user's current password";
    }
    if (state != null && state.startsWith("28") || "08004".equals(state)) {
      return password.isEmpty()
          ? ". No password is set for the "
              + side
              + ": set "
              + variable
              + " (or "
              + side
              + ".password in the file)"
          : ". Check the "
              + side
              + " user and its password ("
              + variable
              + " or "
              + side
              + ".password), and that the server's pg_hba.conf lets it in";
    }
    if ("3D000".equals(state)) {
      return ". Check " + side + ".database";
    }
    return "";
  }
}
