package io.sluice.embedded.workload;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a steady stream of small transactions (1 to 10 statements) against a source holding the
 * {@link TradingSchema}, on its own thread, at a target rate of statements per second: 60% fill
 * inserts, 20% fill updates, 5% fill deletes, 15% changes to reference tables. Statement choice and
 * values are seeded.
 *
 * <p>Pacing follows a schedule of one statement every {@code 1/rate} seconds, waiting on a latch
 * (no busy spin) and waking at once on {@link #close()}; a backlog of more than a second, after a
 * slow commit or an outage, is dropped rather than burst.
 *
 * <p>A transaction that fails on a lost connection or an unavailable server (SQLSTATE {@code 08*},
 * {@code 57P0x}, {@code 53300}) or on a serialization failure or deadlock is rolled back and
 * counted, and the generator reconnects and carries on, so it survives source restarts in fault
 * tests; a commit whose connection breaks is counted as failed although it may have committed. Any
 * other error is a bug in the workload or the schema: the generator stops and reports it through
 * {@link #failure()}.
 */
public final class ChangeGenerator implements AutoCloseable {

  /** The default target rate, statements per second. */
  public static final double DEFAULT_CHANGES_PER_SECOND = 200;

  private static final Logger LOG = LoggerFactory.getLogger(ChangeGenerator.class);
  private static final long MAX_BACKLOG_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Duration RECONNECT_BACKOFF = Duration.ofMillis(500);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String jdbcUrl;
  private final double changesPerSecond;
  private final long seed;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final AtomicLong committedChanges = new AtomicLong();
  private final AtomicLong committedTransactions = new AtomicLong();
  private final AtomicLong failedTransactions = new AtomicLong();
  private final Thread thread;
  private volatile Exception failure;

  private ChangeGenerator(String jdbcUrl, double changesPerSecond, long seed) {
    this.jdbcUrl = jdbcUrl;
    this.changesPerSecond = changesPerSecond;
    this.seed = seed;
    this.thread = new Thread(this::run, "sluice-change-generator");
    this.thread.setDaemon(true);
  }

  /** Starts at {@value #DEFAULT_CHANGES_PER_SECOND} statements per second with seed 42. */
  public static ChangeGenerator start(String jdbcUrl) {
    return start(jdbcUrl, DEFAULT_CHANGES_PER_SECOND, 42);
  }

  /**
   * Starts generating against {@code jdbcUrl}, which must carry the credentials (as {@code
   * EmbeddedPostgres.jdbcUrl} does) and point at a database holding the trading schema.
   *
   * @param changesPerSecond target statement rate, greater than 0
   */
  public static ChangeGenerator start(String jdbcUrl, double changesPerSecond, long seed) {
    if (!(changesPerSecond > 0) || Double.isInfinite(changesPerSecond)) {
      throw new IllegalArgumentException(
          "changesPerSecond must be a positive finite rate, was " + changesPerSecond);
    }
    ChangeGenerator generator = new ChangeGenerator(jdbcUrl, changesPerSecond, seed);
    generator.thread.start();
    return generator;
  }

  /** Rows changed by committed transactions (a statement that matched no row adds nothing). */
  public long committedChanges() {
    return committedChanges.get();
  }

  public long committedTransactions() {
    return committedTransactions.get();
  }

  /** Transactions rolled back after an error, typically while the source was unreachable. */
  public long failedTransactions() {
    return failedTransactions.get();
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  /** The error that stopped the generator early, if any. */
  public Optional<Exception> failure() {
    return Optional.ofNullable(failure);
  }

  /** Stops after the transaction in flight and waits for the thread (at most 30 s). */
  @Override
  public void close() {
    stopSignal.countDown();
    try {
      thread.join(STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      LOG.warn("Change generator did not stop within {}", STOP_TIMEOUT);
    }
    LOG.info(
        "Change generator stopped: {} changes in {} transactions committed, {} transactions failed",
        committedChanges(),
        committedTransactions(),
        failedTransactions());
  }

  private void run() {
    long nanosPerChange = Math.max(1, Math.round(1e9 / changesPerSecond));
    ChangeMix mix = null;
    Connection connection = null;
    long due = System.nanoTime();
    try {
      while (stopSignal.getCount() > 0) {
        try {
          if (connection == null) {
            connection = DriverManager.getConnection(jdbcUrl);
            connection.setAutoCommit(false);
            if (mix == null) {
              mix = new ChangeMix(seed, nextFillId(connection));
            }
          }
          int size = mix.nextTransactionSize();
          runTransaction(connection, mix, size);
          due += size * nanosPerChange;
        } catch (SQLException e) {
          failedTransactions.incrementAndGet();
          if (!isTransient(e)) {
            throw e;
          }
          LOG.warn(
              "Change generator transaction failed (SQLSTATE {}: {}), retrying",
              e.getSQLState(),
              e.getMessage());
          if (!isRetryableInTransaction(e)) {
            closeQuietly(connection);
            connection = null;
          }
          stopSignal.await(RECONNECT_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
          due = System.nanoTime();
          continue;
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
          stopSignal.await(wait, TimeUnit.NANOSECONDS);
        } else if (-wait > MAX_BACKLOG_NANOS) {
          due = System.nanoTime();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      failure = e;
      LOG.error("Change generator stopped by an unexpected error", e);
    } finally {
      closeQuietly(connection);
    }
  }

  private void runTransaction(Connection connection, ChangeMix mix, int size) throws SQLException {
    int changed = 0;
    try {
      for (int i = 0; i < size; i++) {
        changed += mix.applyOne(connection);
      }
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly(connection);
      throw e;
    }
    committedChanges.addAndGet(changed);
    committedTransactions.incrementAndGet();
  }

  private static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("57P0")
        || state.equals("53300")
        || isRetryableInTransaction(e);
  }

  /** Serialization failure or deadlock: the connection is fine, only the transaction was lost. */
  private static boolean isRetryableInTransaction(SQLException e) {
    return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
  }

  private static long nextFillId(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery("SELECT coalesce(max(fill_id), 0) + 1 FROM fills")) {
      result.next();
      long next = result.getLong(1);
      connection.commit();
      return next;
    }
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.debug("Rollback failed", e);
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("Closing the generator's connection failed", e);
    }
  }
}
