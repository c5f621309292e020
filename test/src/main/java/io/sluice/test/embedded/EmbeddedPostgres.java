package io.sluice.test.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (zonky binaries) running as a child process on a free loopback port,
 * with trust authentication for user {@code postgres}.
 *
 * <p>The data directory is {@code dataParent/<name>}; it is wiped at start (stopping a postmaster
 * orphaned there by a killed JVM first) and deleted at close. The binaries are unpacked once into
 * {@code dataParent/pg-binaries} unless the system property {@code ot.epg.working-dir} names
 * another cache directory. As root, zonky runs {@code initdb} and {@code pg_ctl} under {@code
 * unshare -U}, which needs unprivileged user namespaces.
 *
 * <p>A logical server ({@code wal_level=logical}, 16 replication slots and WAL senders) serves as a
 * CDC source. Durability settings are PostgreSQL's defaults ({@code fsync=on}, {@code
 * synchronous_commit=on}), not zonky's test shortcuts, so commit behaviour matches production;
 * {@code shared_buffers} is 1GB, sized for the benchmark's tables as a production server would be.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final String HOST = "127.0.0.1";
  private static final String USER = "postgres";
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final String DUPLICATE_DATABASE = "42P04";
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

  private final String name;
  private final Path dataDirectory;
  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

  private EmbeddedPostgres(
      String name, Path dataDirectory, io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
    this.name = name;
    this.dataDirectory = dataDirectory;
    this.server = server;
  }

  /**
   * Starts a server whose data directory is {@code dataParent/name}.
   *
   * @param name names the server in logs and errors, and its data directory
   * @param logical whether to configure the server as a logical-replication source
   * @throws UncheckedIOException if the data directory cannot be prepared
   * @throws IllegalStateException if {@code initdb} or the postmaster fails
   */
  public static EmbeddedPostgres start(String name, Path dataParent, boolean logical) {
    Objects.requireNonNull(name, "name");
    Path dataDirectory = dataParent.resolve(name).toAbsolutePath();
    try {
      OrphanedPostmaster.reclaim(dataDirectory);
      Files.createDirectories(dataDirectory);
      var builder =
          io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(true)
              // zonky's 10 s default is tight for a postmaster start on a loaded 2-core CI box.
              .setPGStartupWait(STARTUP_WAIT)
              .setServerConfig("listen_addresses", HOST)
              // No Unix socket: the default directory may be shared or unwritable (root under
              // unshare), and every client here connects over TCP.
              .setServerConfig("unix_socket_directories", "")
              .setServerConfig("max_connections", "200")
              // Room for a benchmark's working set (sluice bench apply: ~1.7M-row table on each
              // target database): with the 128MB default, every random update evicts a dirty page
              // and measures buffer churn instead of apply. Reserved, not touched, when unused.
              .setServerConfig("shared_buffers", "1GB")
              // zonky passes -F (fsync off) and synchronous_commit=off; restore the defaults.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on");
      if (System.getProperty("ot.epg.working-dir") == null) {
        builder.setOverrideWorkingDirectory(dataParent.resolve("pg-binaries").toFile());
      }
      if (logical) {
        builder
            .setServerConfig("wal_level", "logical")
            .setServerConfig("max_replication_slots", "16")
            .setServerConfig("max_wal_senders", "16");
      }
      var server = builder.start();
      LOG.info("PostgreSQL {} listening on {}:{}", name, HOST, server.getPort());
      return new EmbeddedPostgres(name, dataDirectory, server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not start embedded PostgreSQL '" + name + "' in " + dataDirectory, e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Could not start embedded PostgreSQL '"
              + name
              + "' in "
              + dataDirectory
              + ": "
              + e.getMessage()
              + " (as root, initdb runs under 'unshare -U', which needs user namespaces)",
          e);
    }
  }

  /** The name given at start; also the data directory's name. */
  public String name() {
    return name;
  }

  /** Always {@code 127.0.0.1}: the server listens on loopback only. */
  public String host() {
    return HOST;
  }

  public int port() {
    return server.getPort();
  }

  /** The superuser {@code postgres}. */
  public String user() {
    return USER;
  }

  /** Empty: the server trusts every loopback connection. */
  public String password() {
    return "";
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** A JDBC URL for {@code database} that carries the user, usable with {@link DriverManager}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database + "?user=" + USER;
  }

  /** Opens a new connection to {@code database}; the caller closes it. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database));
  }

  /**
   * Creates an empty database (from {@code template1}).
   *
   * @param database lowercase SQL identifier: letters, digits and underscores
   * @throws IllegalStateException if the database already exists
   */
  public void createDatabase(String database) {
    requireValidName(database);
    try (Connection connection = connect("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      if (DUPLICATE_DATABASE.equals(e.getSQLState())) {
        throw new IllegalStateException(
            "Database '" + database + "' already exists on " + this + "; pick a unique name", e);
      }
      throw new IllegalStateException("Could not create database '" + database + "' on " + this, e);
    }
  }

  /**
   * Drops {@code database} if it exists, first ending its sessions (walsenders included) and
   * dropping its inactive replication slots, which would otherwise block the drop.
   */
  public void dropDatabase(String database) {
    requireValidName(database);
    try (Connection connection = connect("postgres")) {
      try (PreparedStatement terminate =
          connection.prepareStatement(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                  + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
        terminate.setString(1, database);
        terminate.execute();
      }
      try (PreparedStatement dropSlots =
          connection.prepareStatement(
              "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                  + " WHERE database = ? AND NOT active")) {
        dropSlots.setString(1, database);
        dropSlots.execute();
      }
      try (Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not drop database '" + database + "' on " + this, e);
    }
  }

  /** Stops the postmaster ({@code pg_ctl stop -m fast}) and deletes the data directory. */
  @Override
  public void close() {
    try {
      server.close();
      LOG.info("PostgreSQL {} stopped", name);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not stop embedded PostgreSQL " + this, e);
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL '" + name + "' at " + HOST + ":" + port();
  }

  private static void requireValidName(String database) {
    if (database == null || !DATABASE_NAME.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "Database name '"
              + database
              + "' must be a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)");
    }
  }
}
