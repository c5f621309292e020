package io.sluice.capture;

import io.sluice.core.config.PipelineConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads how far the pipeline's replication slot trails the source's WAL, for {@link
 * CaptureMetrics}, at most every {@value #INTERVAL_MILLIS} ms, on a connection of its own. Runs in
 * every capture process, leader or standby: the WAL a slot keeps matters most when nobody reads it.
 */
final class SlotWatch implements AutoCloseable {
  static final long INTERVAL_MILLIS = 5_000;
  private static final Logger log = LoggerFactory.getLogger(SlotWatch.class);
  private static final String QUERY =
      "SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::float8,"
          + " (pg_current_wal_lsn() - restart_lsn)::float8"
          + " FROM pg_replication_slots WHERE slot_name = ?";

  private final PipelineConfig config;
  private final CaptureMetrics metrics;
  private Connection connection;
  private long nextPollMillis;
  private boolean warned;

  SlotWatch(PipelineConfig config, CaptureMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  void pollIfDue() {
    long now = System.currentTimeMillis();
    if (now < nextPollMillis) {
      return;
    }
    nextPollMillis = now + INTERVAL_MILLIS;
    try {
      try (PreparedStatement ps = connection().prepareStatement(QUERY)) {
        ps.setString(1, config.source().slot());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            metrics.slot(rs.getDouble(1), rs.getDouble(2));
          } else {
            metrics.slot(Double.NaN, Double.NaN); // no slot yet
          }
        }
      }
      warned = false;
    } catch (SQLException e) {
      metrics.slot(Double.NaN, Double.NaN);
      if (!warned) {
        log.warn(
            "could not read replication slot {} on the source: {}",
            config.source().slot(),
            e.getMessage());
        warned = true;
      }
      close();
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Properties p = new Properties();
      p.setProperty("user", config.source().user());
      p.setProperty("password", config.source().password().value());
      p.setProperty("connectTimeout", "5");
      p.setProperty("socketTimeout", "10");
      p.setProperty("ApplicationName", "sluice-slot-watch");
      connection = DriverManager.getConnection(config.source().jdbcUrl(), p);
    }
    return connection;
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the slot watch connection failed", e);
      }
      connection = null;
    }
  }
}
