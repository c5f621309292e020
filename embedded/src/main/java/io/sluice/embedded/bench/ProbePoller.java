package io.sluice.embedded.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Polls one target for the {@link LagProbe} rows, every few milliseconds, and records for each the
 * lag: the target server's {@code clock_timestamp()} when the row was first seen minus the row's
 * {@code committed_at}, the source's clock at commit. Both servers run on this machine, so one
 * clock measures both ends; the poll interval bounds how late a row is seen.
 *
 * <p>Rows may become visible out of id order (sluice applies the partitions of a group
 * independently), so each poll reads every id from the lowest not yet seen.
 */
public final class ProbePoller implements AutoCloseable {
  /** Told of each probe row the moment it is first seen, on the poller's thread. */
  public interface Listener {
    void seen(long probeId, double lagMillis);
  }

  private final String name;
  private final Connection target;
  private final PreparedStatement poll;
  private final Duration every;
  private final Listener listener;
  private final Thread thread;
  private final BitSet seen = new BitSet();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private double[] lagMillis = new double[1024];
  private volatile boolean running = true;

  private ProbePoller(String name, Connection target, Duration every, Listener listener)
      throws SQLException {
    this.name = name;
    this.target = target;
    this.every = every;
    this.listener = listener;
    this.poll =
        target.prepareStatement(
            "SELECT probe_id, extract(epoch FROM clock_timestamp() - committed_at) * 1000"
                + " FROM "
                + BenchSchema.SCHEMA
                + "."
                + LagProbe.TABLE
                + " WHERE probe_id >= ? ORDER BY probe_id LIMIT 10000");
    seen.set(0); // ids start at 1
    this.thread = new Thread(this::loop, "sluice-bench-probe-poller-" + name);
    thread.setDaemon(true);
  }

  /**
   * Starts polling the probe table through {@code target}, which this poller owns and closes, every
   * {@code every}.
   */
  public static ProbePoller start(String name, Connection target, Duration every, Listener listener)
      throws SQLException {
    target.setAutoCommit(true);
    ProbePoller p = new ProbePoller(name, target, every, listener);
    p.thread.start();
    return p;
  }

  /** Polls without telling anyone. */
  public static ProbePoller start(String name, Connection target, Duration every)
      throws SQLException {
    return start(name, target, every, (id, lag) -> {});
  }

  public String name() {
    return name;
  }

  /** Whether probe {@code id} has been seen. */
  public synchronized boolean seen(long id) {
    return seen.get((int) id);
  }

  /** Whether every probe with an id below {@code id} has been seen. */
  public synchronized boolean seenAllBelow(long id) {
    return seen.nextClearBit(1) >= id;
  }

  /**
   * The lags of the probes with ids from {@code from} (inclusive) to {@code to} (exclusive), in id
   * order; a probe not seen yet counts as {@code NaN}.
   */
  public synchronized double[] lagsMillis(long from, long to) {
    double[] out = new double[(int) Math.max(0, to - from)];
    for (int i = 0; i < out.length; i++) {
      long id = from + i;
      out[i] = seen.get((int) id) ? lagMillis[(int) id] : Double.NaN;
    }
    return out;
  }

  /** Why polling stopped, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  private void loop() {
    try {
      while (running) {
        pollOnce();
        // pacing of the poll, not a wait for a condition
        TimeUnit.NANOSECONDS.sleep(every.toNanos());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  private void pollOnce() throws SQLException {
    long from;
    synchronized (this) {
      from = seen.nextClearBit(1);
    }
    poll.setLong(1, from);
    try (ResultSet rs = poll.executeQuery()) {
      while (rs.next()) {
        long id = rs.getLong(1);
        double lag = rs.getDouble(2);
        boolean first;
        synchronized (this) {
          first = !seen.get((int) id);
          if (first) {
            seen.set((int) id);
            if (id >= lagMillis.length) {
              lagMillis = Arrays.copyOf(lagMillis, (int) Math.max(id + 1, lagMillis.length * 2L));
            }
            lagMillis[(int) id] = lag;
          }
        }
        if (first) {
          listener.seen(id, lag);
        }
      }
    }
  }

  @Override
  public void close() throws SQLException, InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(10));
    try {
      poll.close();
    } finally {
      target.close();
    }
  }
}
