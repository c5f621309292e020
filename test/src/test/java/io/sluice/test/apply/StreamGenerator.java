package io.sluice.test.apply;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.event.RowKeyText;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded source: random inserts, updates, deletes, primary-key updates and truncates over the
 * small key spaces of {@link FuzzTables}, emitted the way capture emits them.
 *
 * <ul>
 *   <li>Snapshot rows come first, each table announced by a {@link Op#RELOAD} at the slot's restart
 *       position and its rows just after it. In some streams an earlier snapshot was interrupted: a
 *       part of the rows comes first (at an older slot's position, or at 0 as sluice wrote them
 *       before reloads existed), then the source changes while capture is down (nothing of that is
 *       streamed), then the reloads and the whole snapshot again.
 *   <li>Every streamed change has its own position, strictly increasing in stream order, except
 *       that a primary-key update is a delete of the old key and an insert of the new key (a full
 *       row) at one position.
 *   <li>An update leaves a TOASTable column out as {@code unchanged} only if it did not touch it
 *       and the row holds a value for it.
 *   <li>A truncate removes every row of its table.
 * </ul>
 */
final class StreamGenerator {
  /** The generated changes in stream order; {@code snapshotEnd} is the first streamed one. */
  record SourceStream(
      List<ChangeEvent> events,
      int snapshotEnd,
      Map<TableId, Map<String, Map<String, String>>> finalRows) {}

  private static final long FIRST_STREAMED_LSN = 0x1_6B37_4D28L;

  /** Restart position of the slot of an interrupted first snapshot; changes after it are lost. */
  private static final long FIRST_ATTEMPT_RESTART = 0x1_0000_0000L;

  /** Restart position of the slot the snapshot that finished was taken from. */
  private static final long RESTART = FIRST_STREAMED_LSN - 16;

  private static final long EPOCH_MICROS = 1_767_225_600_000_000L;

  private final Random r;
  private final Map<TableId, Map<String, Map<String, String>>> rows = new HashMap<>();
  private final List<ChangeEvent> events = new ArrayList<>();
  private final double truncateWeight;
  private long lsn = FIRST_STREAMED_LSN;
  private long txId = 700;
  private boolean muted;

  private StreamGenerator(Random r) {
    this.r = r;
    this.truncateWeight = r.nextInt(3) == 0 ? 0 : 0.05 + r.nextDouble() * 0.2;
    for (TableSchema t : FuzzTables.ALL) {
      rows.put(t.id(), new TreeMap<>());
    }
  }

  /** A snapshot of some rows, then about {@code changes} streamed changes. */
  static SourceStream generate(Random r, int changes) {
    StreamGenerator g = new StreamGenerator(r);
    g.populate();
    if (r.nextInt(3) == 0) {
      g.interruptedSnapshot();
    }
    g.snapshot(RESTART);
    int snapshotEnd = g.events.size();
    while (g.events.size() - snapshotEnd < changes) {
      g.transaction();
    }
    return new SourceStream(List.copyOf(g.events), snapshotEnd, g.rows);
  }

  /**
   * What Kafka holds: the stream, with ranges capture sent again after a restart from a source
   * offset older than what it had already sent. Returned as indexes into the stream.
   */
  static List<Integer> capturedTopic(Random r, SourceStream s) {
    List<Integer> topic = new ArrayList<>();
    int restarts = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(5);
    int n = s.events().size();
    for (int next = 0; next < n; ) {
      topic.add(next++);
      if (restarts > 0 && next > s.snapshotEnd() && next < n && r.nextInt(40) == 0) {
        next = Math.max(s.snapshotEnd(), next - 1 - r.nextInt(60));
        restarts--;
      }
    }
    return topic;
  }

  /** The source's rows before capture starts. */
  private void populate() {
    for (TableSchema t : FuzzTables.ALL) {
      double density = r.nextDouble();
      for (Map<String, String> key : FuzzTables.keySpace(t)) {
        if (r.nextDouble() < density) {
          put(t, key, newRow(t, key));
        }
      }
    }
  }

  /**
   * A snapshot that stopped part way (the source crashed), and the source changing until capture
   * started again: none of those changes reaches the stream, the next snapshot carries them.
   */
  private void interruptedSnapshot() {
    long position = r.nextBoolean() ? 0 : FIRST_ATTEMPT_RESTART + 1;
    int cut = r.nextInt(1 + rows.values().stream().mapToInt(Map::size).sum());
    int sent = 0;
    for (TableSchema t : FuzzTables.ALL) {
      if (position != 0) {
        emit(t, Op.RELOAD, FIRST_ATTEMPT_RESTART, Map.of(), null, Set.of());
      }
      for (Map<String, String> row : rows.get(t.id()).values()) {
        if (sent++ >= cut) {
          break;
        }
        emit(t, Op.SNAPSHOT, position, keyOf(t, row), row, Set.of());
      }
    }
    lsn = FIRST_ATTEMPT_RESTART + 64;
    muted = true;
    for (int quiet = r.nextInt(60); quiet > 0; quiet--) {
      transaction();
    }
    muted = false;
    lsn = FIRST_STREAMED_LSN;
  }

  /** Every table announced for reload at {@code restart}, then all its rows just after it. */
  private void snapshot(long restart) {
    for (TableSchema t : FuzzTables.ALL) {
      emit(t, Op.RELOAD, restart, Map.of(), null, Set.of());
      for (Map<String, String> row : List.copyOf(rows.get(t.id()).values())) {
        emit(t, Op.SNAPSHOT, restart + 1, keyOf(t, row), row, Set.of());
      }
    }
  }

  private static Map<String, String> keyOf(TableSchema t, Map<String, String> row) {
    Map<String, String> key = new LinkedHashMap<>();
    t.keyColumns().forEach(k -> key.put(k, row.get(k)));
    return key;
  }

  private void transaction() {
    txId += 1 + r.nextInt(3);
    for (int changes = 1 + r.nextInt(4); changes > 0; changes--) {
      lsn += 1 + r.nextInt(8);
      change(FuzzTables.ALL.get(r.nextInt(10) < 4 ? 0 : r.nextInt(10) < 7 ? 1 : 2));
    }
  }

  private void change(TableSchema t) {
    List<Map<String, String>> present = new ArrayList<>();
    List<Map<String, String>> absent = new ArrayList<>();
    for (Map<String, String> key : FuzzTables.keySpace(t)) {
      (rows.get(t.id()).containsKey(RowKeyText.of(key)) ? present : absent).add(key);
    }
    double insert = absent.isEmpty() ? 0 : 3;
    double update = present.isEmpty() ? 0 : 6;
    double delete = present.isEmpty() ? 0 : 2;
    double keyUpdate = present.isEmpty() || absent.isEmpty() ? 0 : 1.5;
    double pick = r.nextDouble() * (insert + update + delete + keyUpdate + truncateWeight);
    if ((pick -= insert) < 0) {
      Map<String, String> key = any(absent);
      Map<String, String> row = newRow(t, key);
      put(t, key, row);
      emit(t, Op.INSERT, lsn, key, row, Set.of());
    } else if ((pick -= update) < 0) {
      update(t, any(present));
    } else if ((pick -= delete) < 0) {
      Map<String, String> key = any(present);
      rows.get(t.id()).remove(RowKeyText.of(key));
      emit(t, Op.DELETE, lsn, key, null, Set.of());
    } else if ((pick -= keyUpdate) < 0) {
      keyUpdate(t, any(present), any(absent));
    } else {
      rows.get(t.id()).clear();
      emit(t, Op.TRUNCATE, lsn, Map.of(), null, Set.of());
    }
  }

  private void update(TableSchema t, Map<String, String> key) {
    Map<String, String> before = rows.get(t.id()).get(RowKeyText.of(key));
    Map<String, String> row = new LinkedHashMap<>(before);
    Set<String> touched = touch(t, row);
    put(t, key, row);
    Map<String, String> after = new LinkedHashMap<>(row);
    Set<String> unchanged = new HashSet<>();
    for (String column : FuzzTables.toastable(t)) {
      // Untouched TOASTed values are not resent; small or inline ones always are.
      if (!touched.contains(column) && before.get(column) != null && r.nextInt(5) != 0) {
        after.remove(column);
        unchanged.add(column);
      }
    }
    emit(t, Op.UPDATE, lsn, key, after, unchanged);
  }

  /** Capture turns an update of the key into a delete and an insert at one position. */
  private void keyUpdate(TableSchema t, Map<String, String> from, Map<String, String> to) {
    Map<String, String> row = rows.get(t.id()).remove(RowKeyText.of(from));
    row.putAll(to);
    touch(t, row);
    put(t, to, row);
    emit(t, Op.DELETE, lsn, from, null, Set.of());
    emit(t, Op.INSERT, lsn, to, row, Set.of());
  }

  /** Gives some non-key columns new values; returns the columns set. */
  private Set<String> touch(TableSchema t, Map<String, String> row) {
    Set<String> touched = new HashSet<>();
    for (ColumnSchema c : t.columns()) {
      if (!t.keyColumns().contains(c.name()) && r.nextInt(3) == 0) {
        row.put(c.name(), FuzzTables.value(r, c));
        touched.add(c.name());
      }
    }
    return touched;
  }

  private Map<String, String> newRow(TableSchema t, Map<String, String> key) {
    Map<String, String> row = new LinkedHashMap<>();
    for (ColumnSchema c : t.columns()) {
      row.put(c.name(), key.containsKey(c.name()) ? key.get(c.name()) : FuzzTables.value(r, c));
    }
    return row;
  }

  private void put(TableSchema t, Map<String, String> key, Map<String, String> row) {
    rows.get(t.id()).put(RowKeyText.of(key), new LinkedHashMap<>(row));
  }

  private void emit(
      TableSchema t,
      Op op,
      long position,
      Map<String, String> key,
      Map<String, String> after,
      Set<String> unchanged) {
    if (muted) {
      return;
    }
    long ts = EPOCH_MICROS + Math.max(0, position - FIRST_STREAMED_LSN) * 37;
    events.add(
        new ChangeEvent(
            t.id(),
            op,
            position,
            op == Op.SNAPSHOT || op == Op.RELOAD ? 0 : txId,
            ts,
            key,
            after,
            op == Op.RELOAD ? Set.of() : unchanged));
  }

  private Map<String, String> any(List<Map<String, String>> keys) {
    return keys.get(r.nextInt(keys.size()));
  }
}
