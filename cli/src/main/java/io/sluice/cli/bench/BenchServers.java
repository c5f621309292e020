package io.sluice.cli.bench;

import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What every benchmark does to the two embedded PostgreSQL servers: settings under which
 * checkpoints happen where the benchmark puts them, and the checkpoint of both before each timed
 * interval.
 */
final class BenchServers {
  private BenchServers() {}

  /**
   * Sets {@code max_wal_size=8GB} and {@code checkpoint_timeout=30min} on both servers, so that no
   * checkpoint is forced by WAL volume or time inside one timed interval; returns the servers'
   * version.
   */
  static String configure(EmbeddedInfrastructure infra) throws SQLException {
    String version = null;
    for (EmbeddedPostgres pg : List.of(infra.source(), infra.target())) {
      try (Connection c = pg.connect("postgres");
          Statement st = c.createStatement()) {
        st.execute("ALTER SYSTEM SET max_wal_size = '8GB'");
        st.execute("ALTER SYSTEM SET checkpoint_timeout = '30min'");
        st.execute("SELECT pg_reload_conf()");
        try (ResultSet rs = st.executeQuery("SHOW server_version")) {
          rs.next();
          version = rs.getString(1);
        }
      }
    }
    return version;
  }

  /** {@code CHECKPOINT} on both servers, so that no contender pays for another's dirty pages. */
  static void checkpoint(EmbeddedInfrastructure infra) throws SQLException {
    for (EmbeddedPostgres pg : List.of(infra.source(), infra.target())) {
      try (Connection c = pg.connect("postgres");
          Statement st = c.createStatement()) {
        st.execute("CHECKPOINT");
      }
    }
  }
}
