package io.sluice.capture.internal;

import io.sluice.core.config.SourceConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens capture's sessions on the source: as the configured user, with {@link
 * DebeziumProperties#SESSION_OPTIONS}, so that catalog reads, row fills and slot reads see values
 * in the text forms Debezium's own sessions see. Also holds one session for reads now and then (the
 * source catalog, row fills, the slot's position): opened on first use, and again after {@link
 * #close} or once the source closed it.
 *
 * <p>Not thread-safe: each user has its own instance.
 */
public final class SourceConnections implements SourceRowFiller.Source, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SourceConnections.class);

  private final SourceConfig source;
  private final String purpose;
  private final Map<String, String> driverSettings;
  private Connection held;

  /**
   * @param purpose what the held session is for, as logs name it ("catalog")
   */
  public SourceConnections(SourceConfig source, String purpose) {
    this(source, purpose, Map.of());
  }

  /**
   * @param driverSettings further pgjdbc settings for every session, such as timeouts or an
   *     application name
   */
  public SourceConnections(
      SourceConfig source, String purpose, Map<String, String> driverSettings) {
    this.source = source;
    this.purpose = purpose;
    this.driverSettings = Map.copyOf(driverSettings);
  }

  /** A new session, which the caller closes. */
  public Connection open() throws SQLException {
    Properties p = new Properties();
    driverSettings.forEach(p::setProperty);
    p.setProperty("user", source.user());
    p.setProperty("password", source.password().value());
    p.setProperty("options", DebeziumProperties.SESSION_OPTIONS);
    return DriverManager.getConnection(source.jdbcUrl(), p);
  }

  /** The held session, opened now if there is none or it was closed. */
  @Override
  public Connection connection() throws SQLException {
    if (held == null || held.isClosed()) {
      held = open();
    }
    return held;
  }

  /** Closes the held session, if there is one; the next {@link #connection} opens a new one. */
  @Override
  public void close() {
    if (held != null) {
      try {
        held.close();
      } catch (SQLException e) {
        log.debug("closing the {} connection failed", purpose, e);
      }
      held = null;
    }
  }
}
