package io.sluice.test.apply;

import io.sluice.apply.TargetWriter;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.RowKeyText;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Delivers a topic to the target the way an apply worker does, and the way it fails. The topic has
 * one to three partitions, a row's changes always in one of them (capture keys records by table and
 * primary key); a batch takes the next records of each partition, as a poll does, and is written in
 * one transaction; each partition's checkpoint is stored after the commit, and not after every one,
 * so a restart redelivers committed ranges with other batch boundaries. Crashes come before a
 * write, in the middle of a transaction (rolled back) and between commit and checkpoint; a batch is
 * sometimes written twice (a retry after a commit whose acknowledgement was lost); and a zombie
 * worker writes an old range of a partition after newer batches committed.
 *
 * <p>After every transaction, committed or not, the target must equal the stream applied once up to
 * what each partition has committed: every change of a partition up to the newest source change in
 * its committed records, and no change after it. {@link Check} is asked to verify exactly that.
 */
final class DeliverySimulator {
  /** Opens a connection to the target, with auto-commit off. */
  interface Target {
    Connection connect() throws SQLException;
  }

  /** Verifies the target against the given changes applied once, in stream order. */
  interface Check {
    void verify(List<ChangeEvent> applied, String when) throws SQLException;
  }

  private static final int TRACE_TAIL = 40;

  private final Random r;
  private final List<ChangeEvent> stream;
  private final int[] partitionOf;
  private final List<List<Integer>> partitions = new ArrayList<>();
  private final Target target;
  private final Check check;
  private final List<String> trace = new ArrayList<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private final int crashPercent;
  private final int zombiePercent;
  private final int checkpointPercent;
  private final int[] checkpoint;
  private final int[] committed;
  private Connection connection;
  private TargetWriter writer;
  private Connection zombieConnection;
  private TargetWriter zombieWriter;

  /**
   * @param topic what capture wrote, as indexes into {@code stream}, repeats included
   */
  DeliverySimulator(
      Random r, List<ChangeEvent> stream, List<Integer> topic, Target target, Check check) {
    this.r = r;
    this.stream = stream;
    this.target = target;
    this.check = check;
    int count = r.nextBoolean() ? 1 : 2 + r.nextInt(2);
    for (int p = 0; p < count; p++) {
      partitions.add(new ArrayList<>());
    }
    this.partitionOf = new int[stream.size()];
    for (int i = 0; i < stream.size(); i++) {
      ChangeEvent e = stream.get(i);
      int hash = (e.table() + RowKeyText.of(e.key())).hashCode();
      partitionOf[i] = Math.floorMod(hash * 0x9E3779B1, count);
    }
    for (int index : topic) {
      partitions.get(partitionOf[index]).add(index);
    }
    // Each case its own weather: some calm, some stormy.
    this.crashPercent = 2 + r.nextInt(8);
    this.zombiePercent = r.nextInt(12);
    this.checkpointPercent = 30 + r.nextInt(65);
    this.checkpoint = new int[count];
    this.committed = new int[count];
    trace.add(count + " partition(s) of " + partitionSizes() + " records");
  }

  /** How often each kind of step happened, for a summary. */
  Map<String, Integer> counts() {
    return counts;
  }

  /** The last steps taken, oldest first, for a failure message. */
  String traceTail() {
    int from = Math.max(0, trace.size() - TRACE_TAIL);
    return (from > 0 ? "  ... " + from + " earlier steps\n" : "")
        + String.join("\n", trace.subList(from, trace.size()).stream().map(s -> "  " + s).toList());
  }

  void run() throws SQLException {
    try {
      int[] next = restart("start");
      while (!done(next)) {
        next = step(next);
      }
      verify("the last batch");
    } finally {
      close(connection);
      close(zombieConnection);
    }
  }

  /** Reads and writes one batch from {@code from}; returns the offsets to read next. */
  private int[] step(int[] from) throws SQLException {
    int[] to = from.clone();
    List<Integer> order = new ArrayList<>();
    for (int p = 0; p < to.length; p++) {
      order.add(p);
      if (r.nextInt(4) != 0 || to.length == 1) {
        to[p] = Math.min(partitions.get(p).size(), from[p] + batchSize());
      }
    }
    Collections.shuffle(order, r);
    List<ChangeEvent> batch = batch(order, from, to);
    if (batch.isEmpty()) {
      return from;
    }
    String ranges = ranges(order, from, to);
    int fate = r.nextInt(100);
    if (fate < crashPercent / 2) {
      return crash("crash before writing " + ranges);
    }
    if (fate < crashPercent + crashPercent / 2) {
      count("rolled back transactions");
      int cut = r.nextInt(batch.size() + 1);
      trace.add("write " + cut + " changes of " + ranges);
      writer.write(connection, batch.subList(0, cut));
      return crash("crash mid-transaction");
    }
    commit(connection, writer, batch, "commit " + ranges);
    for (int p = 0; p < to.length; p++) {
      counts.merge("redelivered changes", Math.max(0, committed[p] - from[p]), Integer::sum);
      committed[p] = Math.max(committed[p], to[p]);
    }
    if (r.nextInt(100) < 5) {
      commit(connection, writer, batch, "duplicate commit");
      count("duplicated batches");
    }
    verify("commit " + ranges);
    if (r.nextInt(100) < zombiePercent) {
      zombie();
    }
    for (int p : order) {
      if (to[p] > from[p] && r.nextInt(100) < checkpointPercent) {
        checkpoint[p] = to[p];
        trace.add("checkpoint p" + p + " " + to[p]);
      }
    }
    return r.nextInt(100) >= crashPercent ? to : crash("crash after commit");
  }

  private void commit(Connection c, TargetWriter w, List<ChangeEvent> batch, String what)
      throws SQLException {
    trace.add(what);
    w.write(c, batch);
    c.commit();
    count("committed transactions");
  }

  /** An old worker that lost its lease but still writes: an old range, after newer commits. */
  private void zombie() throws SQLException {
    int p = r.nextInt(committed.length);
    if (committed[p] == 0) {
      return;
    }
    if (zombieConnection == null) {
      zombieConnection = target.connect();
      zombieWriter = new TargetWriter();
    }
    int[] to = new int[committed.length];
    int[] from = new int[committed.length];
    to[p] = committed[p] - r.nextInt(Math.min(committed[p], 60));
    from[p] = Math.max(0, to[p] - batchSize());
    String ranges = ranges(List.of(p), from, to);
    commit(zombieConnection, zombieWriter, batch(List.of(p), from, to), "zombie commit " + ranges);
    count("zombie batches");
    verify("zombie commit " + ranges);
  }

  private int[] crash(String what) throws SQLException {
    count("crashes");
    trace.add(what);
    return restart(what);
  }

  /** A new worker: a new session and writer, resuming from the stored checkpoints. */
  private int[] restart(String after) throws SQLException {
    close(connection);
    connection = target.connect();
    writer = new TargetWriter();
    trace.add("restart from checkpoints " + Arrays.toString(checkpoint));
    verify(after);
    return checkpoint.clone();
  }

  /** Every change of each partition up to the newest one it has committed, in stream order. */
  private void verify(String after) throws SQLException {
    int[] sourceEnd = new int[committed.length];
    for (int p = 0; p < committed.length; p++) {
      for (int o = 0; o < committed[p]; o++) {
        sourceEnd[p] = Math.max(sourceEnd[p], partitions.get(p).get(o) + 1);
      }
    }
    List<ChangeEvent> applied = new ArrayList<>();
    for (int i = 0; i < stream.size(); i++) {
      if (i < sourceEnd[partitionOf[i]]) {
        applied.add(stream.get(i));
      }
    }
    check.verify(applied, after);
    count("verifications");
  }

  private void count(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  private boolean done(int[] next) {
    for (int p = 0; p < next.length; p++) {
      if (next[p] < partitions.get(p).size()) {
        return false;
      }
    }
    return true;
  }

  private int batchSize() {
    int roll = r.nextInt(20);
    return roll < 10 ? 1 + r.nextInt(6) : roll < 17 ? 1 + r.nextInt(40) : 1 + r.nextInt(400);
  }

  /** The records of each partition in {@code [from, to)}, partition after partition. */
  private List<ChangeEvent> batch(List<Integer> order, int[] from, int[] to) {
    List<ChangeEvent> out = new ArrayList<>();
    for (int p : order) {
      for (int o = from[p]; o < to[p]; o++) {
        out.add(stream.get(partitions.get(p).get(o)));
      }
    }
    return out;
  }

  private static String ranges(List<Integer> order, int[] from, int[] to) {
    StringBuilder sb = new StringBuilder();
    for (int p : order) {
      if (to[p] > from[p]) {
        sb.append(sb.isEmpty() ? "" : " ")
            .append('p')
            .append(p)
            .append('[')
            .append(from[p])
            .append(',')
            .append(to[p])
            .append(')');
      }
    }
    return sb.isEmpty() ? "nothing" : sb.toString();
  }

  private String partitionSizes() {
    return partitions.stream().map(l -> Integer.toString(l.size())).toList().toString();
  }

  /** Closing without a commit is how a crashed worker's open transaction ends: rolled back. */
  private static void close(Connection c) throws SQLException {
    if (c != null && !c.isClosed()) {
      c.close();
    }
  }
}
