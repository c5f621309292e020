package io.sluice.capture;

import io.sluice.capture.internal.SourceConnections;
import io.sluice.core.config.PipelineConfig;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
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
  private final Clock clock;
  private final SourceConnections source;
  private long nextPollMillis;
  private boolean warned;

  SlotWatch(PipelineConfig config, CaptureMetrics metrics, Clock clock) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.source =
        new SourceConnections(
            config.source(),
            "slot watch",
            Map.of(
                "connectTimeout", "5",
                "socketTimeout", "10",
                "ApplicationName", "sluice-slot-watch"));
  }

  void pollIfDue() {
    long now = clock.millis();
    if (now < nextPollMillis) {
      return;
    }
    nextPollMillis = now + INTERVAL_MILLIS;
    try {
      try (PreparedStatement ps = source.connection().prepareStatement(QUERY)) {
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

  @Override
  public void close() {
    source.close();
  }
}
