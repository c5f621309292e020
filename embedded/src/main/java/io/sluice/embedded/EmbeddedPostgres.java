package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (zonky binaries) running as a child process on a free loopback port,
 * with trust authentication for user {@code postgres}.
 *
 * <p>The data directory is {@code dataParent/<name>}; it is wiped at start (stopping a postmaster
 * orphaned there by a killed JVM first) and deleted at close. Between the two the server can be
 * crashed ({@link #crash}, as {@code pg_ctl stop -m immediate}), stopped ({@link #stop}) and
 * started again ({@link #restart}) on the same port and data, as production servers restart. The
 * binaries are unpacked once into {@code dataParent/pg-binaries} unless the system property {@code
 * ot.epg.working-dir} names another cache directory. As root, zonky runs {@code initdb} and {@code
 * pg_ctl} under {@code unshare -U}, which needs unprivileged user namespaces.
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
  private final Path dataParent;
  private final boolean logical;
  private final int port;
  private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
  private boolean closed;

  private EmbeddedPostgres(
      String name,
      Path dataDirectory,
      Path dataParent,
      boolean logical,
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
    this.name = name;
    this.dataDirectory = dataDirectory;
    this.dataParent = dataParent;
    this.logical = logical;
    this.server = server;
    this.port = server.getPort();
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
      // The port is chosen here, never twice in this JVM: servers started at once by zonky's own
      // choice could pick the same free port, and the one that failed to bind would then be
      // reached at the other's address.
      var server = builder(dataDirectory, dataParent, logical).setPort(unusedPort()).start();
      LOG.info("PostgreSQL {} listening on {}:{}", name, HOST, server.getPort());
      return new EmbeddedPostgres(name, dataDirectory, dataParent, logical, server);
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

  /** Ports handed to servers of this JVM; a restarted server keeps its own. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /** A free loopback port no server of this JVM was given before. */
  private static int unusedPort() throws IOException {
    while (true) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        port = s.getLocalPort();
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
  }

  /**
   * A server on an existing or empty data directory: {@code initdb} runs only when the directory
   * holds no cluster, and nothing deletes it but {@link #close}.
   */
  private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder(
      Path dataDirectory, Path dataParent, boolean logical) {
    var builder =
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
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
    return builder;
  }

  /**
   * Crashes the server as {@code pg_ctl stop -m immediate} does (SIGQUIT to the postmaster): every
   * session ends at once, nothing is checkpointed, and the next start runs crash recovery. Returns
   * once the postmaster has exited.
   */
  public synchronized void crash() {
    ProcessHandle postmaster = postmaster();
    try {
      Process kill =
          new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster.pid()))
              .redirectErrorStream(true)
              .start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -QUIT " + postmaster.pid() + " failed for " + this);
      }
      postmaster.onExit().get(STARTUP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not crash " + this, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while crashing " + this, e);
    }
    releaseStopped();
    LOG.info("PostgreSQL {} crashed (immediate stop)", name);
  }

  /** Stops the server cleanly ({@code pg_ctl stop -m fast}), keeping its data for a restart. */
  public synchronized void stop() {
    releaseStopped();
    LOG.info("PostgreSQL {} stopped, data kept", name);
  }

  /** Starts the server again on its port and data (after {@link #crash} or {@link #stop}). */
  public synchronized void restart() {
    if (server != null) {
      throw new IllegalStateException(this + " is running; crash or stop it first");
    }
    try {
      var restarted = builder(dataDirectory, dataParent, logical).setPort(port).start();
      server = restarted;
      LOG.info("PostgreSQL {} started again on {}:{}", name, HOST, port);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + this + " again", e);
    }
  }

  /** Whether the server runs now (not crashed or stopped). */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The running postmaster, from the data directory's pid file. */
  private ProcessHandle postmaster() {
    if (server == null) {
      throw new IllegalStateException(this + " is not running");
    }
    try {
      String pid = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip();
      return ProcessHandle.of(Long.parseLong(pid))
          .orElseThrow(() -> new IllegalStateException("no postmaster " + pid + " for " + this));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the postmaster pid of " + this, e);
    }
  }

  /**
   * Lets go of zonky's handle on a server that is down or going down: its close stops what still
   * runs ({@code pg_ctl stop -m fast}) and releases the data directory's lock, and it never deletes
   * the data (built with {@code setCleanDataDirectory(false)}).
   */
  private void releaseStopped() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not release " + this, e);
    } finally {
      server = null;
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
    return port;
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
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      releaseStopped();
      Directories.deleteRecursively(dataDirectory);
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
