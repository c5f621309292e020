package io.sluice.apply.internal;

import io.sluice.core.event.ChangeEvent;
import java.sql.SQLException;

/** A change the target refused as bad data, with the error (described without row values). */
public record BadChange(ChangeEvent change, String sqlState, String reason) {
  static BadChange of(ChangeEvent change, SQLException e) {
    return new BadChange(change, e.getSQLState(), TargetErrors.describe(e));
  }
}
