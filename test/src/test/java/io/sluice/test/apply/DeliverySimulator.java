package io.sluice.test.apply;

import io.sluice.apply.TargetWriter;
import io.sluice.core.event.ChangeEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Delivers a topic to the target the way apply workers do, and the way they fail: random batch
 * sizes, one transaction per batch, the checkpoint stored only after the commit and not after every
 * one (so a restart redelivers committed ranges with other batch boundaries), crashes before a
 * write, in the middle of a transaction (rolled back) and between commit and checkpoint, a batch
 * written twice (a retry after a commit whose acknowledgement was lost), and a zombie worker that
 * writes an old range after newer batches committed.
 *
 * <p>After every commit the target has seen, in order, the whole topic up to the highest offset
 * committed, plus repeats of parts of it; so after every transaction, committed or not, it must
 * equal the stream applied once up to the newest source change in that prefix. {@link Check} is
 * asked to verify exactly that, each time.
 */
final class DeliverySimulator {
  /** Opens a connection to the target, with auto-commit off. */
  interface Target {
    Connection connect() throws SQLException;
  }

  /** Verifies the target against the stream applied once up to (excluding) a stream index. */
  interface Check {
    void verify(int streamEnd, String when) throws SQLException;
  }

  /**
   * @param sharedTransactions a transaction may hold several consecutive batches, each written with
   *     its own {@link TargetWriter#write} call
   * @param reuseConnection a restarted writer gets the crashed writer's session (rolled back), as a
   *     pooled connection would hand it over, instead of a new one
   */
  record Options(boolean sharedTransactions, boolean reuseConnection) {
    static final Options WORKER = new Options(false, false);
  }

  private static final int TRACE_TAIL = 40;

  private final Random r;
  private final List<ChangeEvent> stream;
  private final List<Integer> topic;
  private final int[] prefixEnd;
  private final Target target;
  private final Check check;
  private final Options options;
  private final List<String> trace = new ArrayList<>();
  private final int crashPercent;
  private final int zombiePercent;
  private final int checkpointPercent;
  private int checkpoint;
  private int committed;
  private Connection connection;
  private TargetWriter writer;
  private Connection zombieConnection;
  private TargetWriter zombieWriter;

  DeliverySimulator(
      Random r,
      List<ChangeEvent> stream,
      List<Integer> topic,
      Target target,
      Check check,
      Options options) {
    this.r = r;
    this.stream = stream;
    this.topic = topic;
    this.target = target;
    this.check = check;
    this.options = options;
    // Each case its own weather: some calm, some stormy.
    this.crashPercent = 2 + r.nextInt(8);
    this.zombiePercent = r.nextInt(12);
    this.checkpointPercent = 30 + r.nextInt(65);
    this.prefixEnd = new int[topic.size() + 1];
    for (int i = 0; i < topic.size(); i++) {
      prefixEnd[i + 1] = Math.max(prefixEnd[i], topic.get(i) + 1);
    }
  }

  /** The last steps taken, oldest first, for a failure message. */
  String traceTail() {
    int from = Math.max(0, trace.size() - TRACE_TAIL);
    return (from > 0 ? "  ... " + from + " earlier steps\n" : "")
        + String.join("\n", trace.subList(from, trace.size()).stream().map(s -> "  " + s).toList());
  }

  void run() throws SQLException {
    try {
      int offset = restart("start");
      while (offset < topic.size()) {
        offset = step(offset);
      }
      check.verify(prefixEnd[committed], "the last batch");
    } finally {
      close(connection);
      close(zombieConnection);
    }
  }

  /** Reads and writes one batch from {@code offset}; returns the offset to read next. */
  private int step(int offset) throws SQLException {
    int end = Math.min(topic.size(), offset + batchSize());
    int fate = r.nextInt(100);
    if (fate < crashPercent / 2) {
      return crash("crash before writing [" + offset + "," + end + ")");
    }
    if (fate < crashPercent + crashPercent / 2) {
      int cut = offset + r.nextInt(end - offset + 1);
      trace.add("write [" + offset + "," + cut + ") of [" + offset + "," + end + ")");
      writer.write(connection, slice(offset, cut));
      return crash("crash mid-transaction");
    }
    List<int[]> writes = new ArrayList<>();
    writes.add(new int[] {offset, end});
    while (options.sharedTransactions() && end < topic.size() && r.nextInt(3) == 0) {
      int next = Math.min(topic.size(), end + batchSize());
      writes.add(new int[] {end, next});
      end = next;
    }
    commit(connection, writer, writes, "commit");
    committed = Math.max(committed, end);
    if (r.nextInt(100) < 5) {
      commit(connection, writer, writes, "duplicate commit");
    }
    verify("commit of [" + offset + "," + end + ")");
    if (committed > 0 && r.nextInt(100) < zombiePercent) {
      zombie();
    }
    if (r.nextInt(100) < checkpointPercent) {
      checkpoint = end;
      trace.add("checkpoint " + end);
    }
    return r.nextInt(100) >= crashPercent ? end : crash("crash after commit");
  }

  private void commit(Connection c, TargetWriter w, List<int[]> writes, String what)
      throws SQLException {
    StringBuilder step = new StringBuilder(what);
    for (int[] range : writes) {
      step.append(" [").append(range[0]).append(',').append(range[1]).append(')');
    }
    trace.add(step.toString());
    for (int[] range : writes) {
      w.write(c, slice(range[0], range[1]));
    }
    c.commit();
  }

  /** An old worker that lost its lease but still writes: an old range, after newer commits. */
  private void zombie() throws SQLException {
    if (zombieConnection == null) {
      zombieConnection = target.connect();
      zombieWriter = new TargetWriter();
    }
    int end = committed - r.nextInt(Math.min(committed, 60));
    int start = Math.max(0, end - batchSize());
    commit(zombieConnection, zombieWriter, List.<int[]>of(new int[] {start, end}), "zombie commit");
    verify("zombie commit of [" + start + "," + end + ")");
  }

  private int crash(String what) throws SQLException {
    trace.add(what);
    return restart(what);
  }

  /** A new worker: resumes from the stored checkpoint with a new writer. */
  private int restart(String after) throws SQLException {
    if (options.reuseConnection() && connection != null) {
      connection.rollback();
    } else {
      close(connection);
      connection = target.connect();
    }
    writer = new TargetWriter();
    trace.add("restart from checkpoint " + checkpoint);
    verify(after);
    return checkpoint;
  }

  private void verify(String after) throws SQLException {
    check.verify(prefixEnd[committed], after);
  }

  private int batchSize() {
    int roll = r.nextInt(20);
    return roll < 10 ? 1 + r.nextInt(6) : roll < 17 ? 1 + r.nextInt(40) : 1 + r.nextInt(400);
  }

  private List<ChangeEvent> slice(int from, int to) {
    List<ChangeEvent> out = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      out.add(stream.get(topic.get(i)));
    }
    return out;
  }

  /** Closing without a commit is how a crashed worker's open transaction ends: rolled back. */
  private static void close(Connection c) throws SQLException {
    if (c != null && !c.isClosed()) {
      c.close();
    }
  }
}
