package io.sluice.embedded.bench;

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

/**
 * The benchmark's change workload at a steady rate rather than as fast as the source takes it:
 * several sessions, each with its own slice of keys, each owning an equal share of the rate. A
 * session paces by schedule: it computes how many rows are due since the step began and issues
 * them, in units of {@value #UNIT} rows (ten single-row transactions and one {@value
 * #MULTI_ROW}-row transaction), through the server-side procedure of {@link BenchWorkload}; when
 * none is due it sleeps until the next unit is. A session that falls behind issues what is due in
 * calls of at most {@value #MAX_UNITS_PER_CALL} units, and the step reports the rate actually
 * reached.
 *
 * <p>The mix by row is {@link BenchWorkload#MIX}, with {@code synchronous_commit=off} (a 2-core box
 * does about 1,300 fsynced commits a second). Each session's row counter runs on across steps, so
 * inserted keys never repeat.
 */
public final class PacedWorkload implements AutoCloseable {
  public static final int MULTI_ROW = 10;
  static final int UNIT = 2 * MULTI_ROW;
  static final int MAX_UNITS_PER_CALL = 50;

  public static final String SHAPE =
      "half of the rows in single-row transactions, half in " + MULTI_ROW + "-row transactions";

  /** What one step committed on the source. */
  public record Step(long rows, long transactions, Duration took) {
    public double rowsPerSecond() {
      return rows / Math.max(1e-9, took.toNanos() / 1e9);
    }
  }

  private static final String CALL =
      "CALL sluice_bench_workload(?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)";

  private final List<Session> sessions = new ArrayList<>();
  private final ExecutorService pool;

  /**
   * Opens one connection per session; {@code largeRows} is the number of preloaded {@code fills}
   * keys that updates pick from. The procedure must be installed ({@link BenchWorkload#install}).
   */
  public PacedWorkload(String jdbcUrl, long largeRows, int sessions) throws SQLException {
    new BenchWorkload(jdbcUrl, largeRows, sessions); // checks the sizes
    long insertBase;
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(fill_id), 0) + 1 FROM fills")) {
      rs.next();
      insertBase = rs.getLong(1);
    }
    try {
      for (int s = 0; s < sessions; s++) {
        this.sessions.add(new Session(jdbcUrl, s, sessions, largeRows, insertBase));
      }
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            sessions,
            r -> {
              Thread t = new Thread(r, "sluice-bench-paced-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Issues {@code rowsPerSecond} changed rows a second, shared by the sessions, for {@code
   * duration}, and returns when every session has stopped.
   */
  public Step run(double rowsPerSecond, Duration duration)
      throws SQLException, InterruptedException {
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    double perSession = rowsPerSecond / sessions.size();
    List<Future<Long>> done = new ArrayList<>();
    for (Session s : sessions) {
      done.add(pool.submit(() -> s.pace(perSession, start, end)));
    }
    long rows = 0;
    try {
      for (Future<Long> f : done) {
        rows += f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new IllegalStateException("paced workload session failed: " + e.getCause(), e);
    }
    long transactions = rows / UNIT * (MULTI_ROW + 1);
    return new Step(rows, transactions, Duration.ofNanos(System.nanoTime() - start));
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    for (Session s : sessions) {
      s.close();
    }
  }

  /** One source session and its row counter. */
  private static final class Session {
    private final Connection c;
    private final PreparedStatement call;
    private final int session;
    private final int sessions;
    private final long insertBase;
    private final long mFills;
    private final long mPositions;
    private final long mAccounts;
    private final long mInstruments;
    private final long aFills;
    private final long aPositions;
    private final long aAccounts;
    private final long aInstruments;
    private long next;

    Session(String jdbcUrl, int session, int sessions, long largeRows, long insertBase)
        throws SQLException {
      this.c = DriverManager.getConnection(jdbcUrl);
      try (Statement st = c.createStatement()) {
        st.execute("SET synchronous_commit = off");
        st.execute("SET application_name = 'sluice-bench-paced'");
      }
      this.call = c.prepareStatement(CALL);
      this.session = session;
      this.sessions = sessions;
      this.insertBase = insertBase;
      this.mFills = largeRows / sessions;
      this.mPositions = BenchSchema.POSITIONS / sessions;
      this.mAccounts = BenchSchema.ACCOUNTS / sessions;
      this.mInstruments = BenchSchema.INSTRUMENTS / sessions;
      this.aFills = BenchWorkload.coprime(mFills, 48_271);
      this.aPositions = BenchWorkload.coprime(mPositions, 7_919);
      this.aAccounts = BenchWorkload.coprime(mAccounts, 7_927);
      this.aInstruments = BenchWorkload.coprime(mInstruments, 7_933);
    }

    /** Issues rows on schedule from {@code start} until {@code end}; returns the rows changed. */
    long pace(double rowsPerSecond, long start, long end)
        throws SQLException, InterruptedException {
      long issued = 0;
      while (true) {
        long now = System.nanoTime();
        if (now >= end) {
          return issued;
        }
        long due = (long) (rowsPerSecond * (now - start) / 1e9);
        long units = Math.min((due - issued) / UNIT, MAX_UNITS_PER_CALL);
        if (units <= 0) {
          long nextDue = start + (long) ((issued + UNIT) * 1e9 / rowsPerSecond);
          // the schedule's pause until the next unit is due
          TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(nextDue, end) - now));
          continue;
        }
        long half = units * MULTI_ROW;
        issue(next, next + half, 1);
        issue(next + half, next + 2 * half, MULTI_ROW);
        next += 2 * half;
        issued += 2 * half;
      }
    }

    private void issue(long from, long to, int txnRows) throws SQLException {
      int i = 1;
      call.setInt(i++, session);
      call.setInt(i++, sessions);
      call.setLong(i++, from);
      call.setLong(i++, to);
      call.setInt(i++, txnRows);
      call.setLong(i++, insertBase);
      call.setLong(i++, mFills);
      call.setLong(i++, aFills);
      call.setLong(i++, mPositions);
      call.setLong(i++, aPositions);
      call.setLong(i++, mAccounts);
      call.setLong(i++, aAccounts);
      call.setLong(i++, mInstruments);
      call.setLong(i++, aInstruments);
      try (ResultSet rs = call.executeQuery()) {
        rs.next();
        long changed = rs.getLong(1);
        if (changed != to - from) {
          throw new IllegalStateException(
              "session "
                  + session
                  + " changed "
                  + changed
                  + " rows for "
                  + (to - from)
                  + "; the benchmark tables are not as the workload expects");
        }
      }
    }

    void close() {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
