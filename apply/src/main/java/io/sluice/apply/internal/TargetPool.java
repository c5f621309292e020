package io.sluice.apply.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.config.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The pool of target connections, which takes a refused sign-in as a rotated password when the
 * password comes from a {@link io.sluice.core.config.SecretSource}: the password is fetched anew
 * and the attempt fails as a connection error, which apply retries with backoff. A refused password
 * from the configuration stays fatal: it cannot change by waiting.
 */
final class TargetPool extends HikariDataSource {
  private final Secret password;

  TargetPool(HikariConfig config, Secret password) {
    super(config);
    this.password = password;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      return super.getConnection();
    } catch (SQLException e) {
      if (ErrorClassifier.isSignInRefused(e) && password.renew()) {
        throw new SQLTransientConnectionException(
            "the target refused the password from "
                + password
                + "; it is read again for the next attempt",
            "08001",
            e);
      }
      throw e;
    }
  }
}
