package io.sluice.test.pipeline;

import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a fixed number of small transactions to {@code orders} ({@link OrdersTable}) of a slice's
 * source on a background thread: inserts of new keys and repeated updates of a few hot keys, so one
 * key changes many times in flight.
 */
final class SourceWriter implements AutoCloseable {
  private final TestIsolation slice;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final AtomicInteger committed = new AtomicInteger();
  private Future<?> run;

  SourceWriter(TestIsolation slice) {
    this.slice = slice;
  }

  /** Writes the transactions on this thread. */
  static void write(TestIsolation slice, int transactions, long firstNewId, int hotKeys)
      throws Exception {
    SourceWriter w = new SourceWriter(slice);
    try {
      w.start(transactions, firstNewId, hotKeys);
      w.awaitDone();
    } finally {
      w.close();
    }
  }

  void start(int transactions, long firstNewId, int hotKeys) {
    run =
        executor.submit(
            () -> {
              Random random = new Random(firstNewId);
              try (Connection c = slice.connectSource();
                  PreparedStatement insert =
                      c.prepareStatement(
                          "INSERT INTO orders (id, px, qty, fee, trader, placed_at)"
                              + " VALUES (?, ?::numeric, 1, ?::numeric, 'w', clock_timestamp())");
                  PreparedStatement update =
                      c.prepareStatement(
                          "UPDATE orders SET px = px + 0.000000000000000001, qty = qty + 1,"
                              + " note = ? WHERE id = ?")) {
                c.setAutoCommit(false);
                for (int i = 0; i < transactions; i++) {
                  insert.setLong(1, firstNewId + i);
                  insert.setString(2, i + ".123456789012345678");
                  insert.setString(3, "1" + "0".repeat(40) + "." + i);
                  insert.executeUpdate();
                  update.setString(1, "tx " + i);
                  update.setLong(2, 1 + random.nextInt(hotKeys));
                  update.executeUpdate();
                  c.commit();
                  committed.incrementAndGet();
                }
              }
              return null;
            });
  }

  int committed() {
    return committed.get();
  }

  /** Waits for all transactions, rethrowing any failure of the writer. */
  void awaitDone() throws Exception {
    run.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
