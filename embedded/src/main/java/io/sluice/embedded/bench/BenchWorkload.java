package io.sluice.embedded.bench;

import io.sluice.core.Lsn;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queues the benchmark's change workload on the source as fast as the source commits it: several
 * sessions, each running the server-side procedure {@code sluice_bench_workload} over its own slice
 * of keys (so sessions never wait for each other's row locks), with {@code synchronous_commit=off}.
 *
 * <p>The mix, by row: {@value #MIX}. Every value is a pure function of the session, the round and
 * the row number, so a rerun queues the same changes. Updates of {@code fills} pick keys by a
 * permutation of the session's slice of the preloaded keys; inserts continue above the largest key.
 * Each transaction changes exactly its number of rows (1 or 100), which the procedure counts and
 * this class checks.
 */
public final class BenchWorkload {
  public static final String MIX =
      "50% fills updates, 30% fills inserts, 20% small-table updates"
          + " (10% positions, 5% accounts, 5% instruments)";

  /** Transaction shapes: rows changed per transaction. */
  public enum Shape {
    SINGLE_ROW("single-row", 1),
    HUNDRED_ROW("100-row", 100);

    private final String label;
    private final int rowsPerTransaction;

    Shape(String label, int rowsPerTransaction) {
      this.label = label;
      this.rowsPerTransaction = rowsPerTransaction;
    }

    public String label() {
      return label;
    }

    public int rowsPerTransaction() {
      return rowsPerTransaction;
    }
  }

  /**
   * What one run queued: rows changed, transactions, wall time, and the WAL insert position after
   * its last commit.
   */
  public record Result(Shape shape, long rows, long transactions, Duration took, Lsn endLsn) {
    public double rowsPerSecond() {
      return rows / (took.toNanos() / 1e9);
    }
  }

  /** Called from the caller's thread while a run is under way. */
  public interface Progress {
    void rowsDone(long rows);
  }

  /** The most sessions: each slice of the smallest table must still exceed 100 keys. */
  public static final int MAX_SESSIONS = 8;

  private static final long CHUNK_ROWS = 10_000;

  private final String jdbcUrl;
  private final long largeRows;
  private final int sessions;

  /**
   * @param jdbcUrl the source database, with credentials (as {@code EmbeddedPostgres.jdbcUrl})
   * @param largeRows the preloaded keys of {@code fills} ({@code 1..largeRows}) that updates pick
   * @param sessions concurrent source sessions, 1 to {@value #MAX_SESSIONS}
   */
  public BenchWorkload(String jdbcUrl, long largeRows, int sessions) {
    if (sessions < 1 || sessions > MAX_SESSIONS) {
      throw new IllegalArgumentException(
          "sessions must be 1 to " + MAX_SESSIONS + ", was " + sessions);
    }
    if (largeRows / sessions <= 100) {
      throw new IllegalArgumentException(
          "each of the "
              + sessions
              + " sessions needs more than 100 fills keys, so largeRows must exceed "
              + 100L * sessions
              + ", was "
              + largeRows);
    }
    this.jdbcUrl = jdbcUrl;
    this.largeRows = largeRows;
    this.sessions = sessions;
  }

  /** Creates (or replaces) the workload procedure on the source. */
  public static void install(Connection source) throws SQLException {
    try (Statement st = source.createStatement()) {
      st.execute(WorkloadProcedure.sql());
    }
  }

  /**
   * The rows a run of {@code rows} really changes: rounded up to whole transactions per session.
   */
  public long roundedRows(Shape shape, long rows) {
    long unit = (long) sessions * shape.rowsPerTransaction();
    return Math.max(1, (rows + unit - 1) / unit) * unit;
  }

  /**
   * Queues about {@code rows} changed rows (see {@link #roundedRows}) in transactions of the given
   * shape and returns when every session has committed. {@code round} makes the changes of each run
   * differ from the previous one's.
   */
  public Result run(Shape shape, long rows, int round, Progress progress, Duration progressEvery)
      throws SQLException, InterruptedException {
    long total = roundedRows(shape, rows);
    long perSession = total / sessions;
    long insertBase = nextFillId();
    AtomicLong done = new AtomicLong();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            sessions,
            r -> {
              Thread t = new Thread(r, "sluice-bench-workload-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    long start = System.nanoTime();
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int s = 0; s < sessions; s++) {
        int session = s;
        results.add(
            pool.submit(() -> runSession(shape, session, perSession, round, insertBase, done)));
      }
      long changed = 0;
      for (Future<Long> f : results) {
        while (true) {
          try {
            changed += f.get(progressEvery.toMillis(), TimeUnit.MILLISECONDS);
            break;
          } catch (java.util.concurrent.TimeoutException notYet) {
            progress.rowsDone(done.get());
          }
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (changed != total) {
        throw new IllegalStateException(
            "the "
                + shape.label()
                + " workload changed "
                + changed
                + " rows but should have changed "
                + total
                + "; the benchmark tables are not as the workload expects");
      }
      return new Result(shape, total, total / shape.rowsPerTransaction(), took, currentLsn());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SQLException sql) {
        throw sql;
      }
      throw new IllegalStateException("workload session failed: " + cause, cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private long runSession(
      Shape shape, int session, long rows, int round, long insertBase, AtomicLong done)
      throws SQLException {
    long chunk = Math.max(1, CHUNK_ROWS / shape.rowsPerTransaction()) * shape.rowsPerTransaction();
    long mFills = largeRows / sessions;
    long mPositions = BenchSchema.POSITIONS / sessions;
    long mAccounts = BenchSchema.ACCOUNTS / sessions;
    long mInstruments = BenchSchema.INSTRUMENTS / sessions;
    long changed = 0;
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      try (Statement st = c.createStatement()) {
        // Queue changes as fast as the source takes them: a 2-core box does ~1.3k fsynced
        // commits/s, which would make the queueing, not the drain, the long part of a run.
        st.execute("SET synchronous_commit = off");
        st.execute("SET application_name = 'sluice-bench-workload'");
      }
      try (PreparedStatement call =
          c.prepareStatement(
              "CALL sluice_bench_workload(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
        for (long from = 0; from < rows; from += chunk) {
          int i = 1;
          call.setInt(i++, session);
          call.setInt(i++, sessions);
          call.setLong(i++, from);
          call.setLong(i++, Math.min(rows, from + chunk));
          call.setInt(i++, shape.rowsPerTransaction());
          call.setInt(i++, round);
          call.setLong(i++, insertBase);
          call.setLong(i++, mFills);
          call.setLong(i++, coprime(mFills, 48_271));
          call.setLong(i++, mPositions);
          call.setLong(i++, coprime(mPositions, 7_919));
          call.setLong(i++, mAccounts);
          call.setLong(i++, coprime(mAccounts, 7_927));
          call.setLong(i++, mInstruments);
          call.setLong(i++, coprime(mInstruments, 7_933));
          try (ResultSet rs = call.executeQuery()) {
            rs.next();
            long n = rs.getLong(1);
            changed += n;
            done.addAndGet(n);
          }
        }
      }
    }
    return changed;
  }

  /** The smallest number from {@code start} up that shares no factor with {@code m}. */
  static long coprime(long m, long start) {
    long a = start;
    while (!BigInteger.valueOf(a).gcd(BigInteger.valueOf(m)).equals(BigInteger.ONE)) {
      a++;
    }
    return a;
  }

  private long nextFillId() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(fill_id), 0) + 1 FROM fills")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The WAL insert position: past the end of every commit record of the run. Not {@code
   * pg_current_wal_lsn()}, the write position, which with {@code synchronous_commit=off} can still
   * be short of the last commits, so a slot could pass it before their changes are captured.
   */
  private Lsn currentLsn() throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
      rs.next();
      return Lsn.parse(rs.getString(1));
    }
  }
}
