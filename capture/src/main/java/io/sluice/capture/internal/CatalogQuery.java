package io.sluice.capture.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** A catalog lookup by one name: the first column of the first row, as text. */
final class CatalogQuery {
  private CatalogQuery() {}

  /**
   * Runs {@code sql} with {@code name} as its one parameter; the first row's first column as text,
   * empty when there is no row or its value is null.
   */
  static Optional<String> first(Connection c, String sql, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }
}
