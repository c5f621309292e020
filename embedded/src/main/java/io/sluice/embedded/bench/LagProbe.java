package io.sluice.embedded.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a probe row to the source at a fixed interval: {@code (probe_id, committed_at)}, where
 * {@code committed_at} is the source's {@code clock_timestamp()} just before the row's commit. Each
 * row is committed alone, in auto-commit mode with the session's default {@code
 * synchronous_commit}, so the commit also flushes the WAL before it and the row is decodable at
 * once. Ids count up from 1 without gaps; {@link ProbePoller}s on the targets tell when each
 * becomes visible.
 */
public final class LagProbe implements AutoCloseable {
  public static final String TABLE = "lag_probe";

  /** The probe table; created on the source and on every target that does not create its own. */
  public static final String CREATE_TABLE =
      "CREATE TABLE "
          + BenchSchema.SCHEMA
          + "."
          + TABLE
          + " (probe_id bigint PRIMARY KEY, committed_at timestamptz NOT NULL)"
          + " WITH (autovacuum_enabled = false)";

  private final Connection source;
  private final PreparedStatement insert;
  private final ScheduledExecutorService timer;
  private final AtomicLong written = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private LagProbe(Connection source, Duration every) throws SQLException {
    this.source = source;
    this.insert =
        source.prepareStatement(
            "INSERT INTO "
                + BenchSchema.SCHEMA
                + "."
                + TABLE
                + " (probe_id, committed_at) VALUES (?, clock_timestamp())");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-bench-probe");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(
        this::writeOne, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Creates the probe table through {@code c}. */
  public static void createTable(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(CREATE_TABLE);
    }
  }

  /**
   * Starts writing a probe row every {@code every} through {@code source}, which this probe owns
   * and closes; the table must exist and be empty.
   */
  public static LagProbe start(Connection source, Duration every) throws SQLException {
    source.setAutoCommit(true);
    return new LagProbe(source, every);
  }

  /** The id the next probe row will get: every row written so far has a smaller one. */
  public long nextId() {
    return written.get() + 1;
  }

  /** Why writing stopped, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  private void writeOne() {
    if (failure.get() != null) {
      return;
    }
    try {
      insert.setLong(1, written.get() + 1);
      insert.executeUpdate();
      written.incrementAndGet();
    } catch (SQLException | RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  @Override
  public void close() throws SQLException, InterruptedException {
    timer.shutdown();
    timer.awaitTermination(10, TimeUnit.SECONDS);
    try {
      insert.close();
    } finally {
      source.close();
    }
  }
}
