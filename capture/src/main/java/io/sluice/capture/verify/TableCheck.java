package io.sluice.capture.verify;

import io.sluice.core.event.RowKeyText;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The row-level half of a table's comparison: reads one chunk's rows (or given keys' rows) on both
 * sides as key and fingerprint, and sorts each key that differs into missing, extra or different,
 * or into unsettled when the target's row was written, or its key deleted, after the source
 * snapshot's position (the target may be ahead of the snapshot there, so nothing can be judged).
 * Every other difference is real: apply had reached the snapshot before the target was read, so the
 * target holds every change the snapshot holds.
 */
final class TableCheck {
  /** A key's values, in key order. */
  record Key(List<String> values) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return String.join("\u0000", values).compareTo(String.join("\u0000", o.values));
    }
  }

  /** The sorted differences of one read. */
  static final class Differences {
    final Set<Key> missing = new TreeSet<>();
    final Set<Key> extra = new TreeSet<>();
    final Set<Key> different = new TreeSet<>();
    final Set<Key> unsettled = new TreeSet<>();

    void addAll(Differences o) {
      missing.addAll(o.missing);
      extra.addAll(o.extra);
      different.addAll(o.different);
      unsettled.addAll(o.unsettled);
    }

    Set<Key> judged() {
      Set<Key> all = new TreeSet<>(missing);
      all.addAll(extra);
      all.addAll(different);
      return all;
    }
  }

  private record TargetRow(String fingerprint, long position) {}

  private final ChunkSql sql;
  private final TableSchema table;

  TableCheck(ChunkSql sql) {
    this.sql = sql;
    this.table = sql.table();
  }

  /** Compares one chunk's rows, the source read in a snapshot at {@code position}. */
  Differences chunk(Connection source, Connection target, long chunk, long position)
      throws SQLException {
    return compare(
        sourceRows(source, sql.rowsOf(chunk, false), null),
        targetRows(target, sql.rowsOf(chunk, true), null),
        target,
        position);
  }

  /** Compares the given keys' rows, the source read in a snapshot at {@code position}. */
  Differences keys(Connection source, Connection target, Set<Key> keys, long position)
      throws SQLException {
    List<Key> list = new ArrayList<>(keys);
    return compare(
        sourceRows(source, sql.rowsWithKeys(false), list),
        targetRows(target, sql.rowsWithKeys(true), list),
        target,
        position);
  }

  private Differences compare(
      Map<Key, String> source, Map<Key, TargetRow> target, Connection t, long position)
      throws SQLException {
    Differences d = new Differences();
    List<Key> missing = new ArrayList<>();
    for (Map.Entry<Key, String> e : source.entrySet()) {
      TargetRow row = target.get(e.getKey());
      if (row == null) {
        missing.add(e.getKey());
      } else if (!row.fingerprint().equals(e.getValue())) {
        (row.position() > position ? d.unsettled : d.different).add(e.getKey());
      }
    }
    for (Map.Entry<Key, TargetRow> e : target.entrySet()) {
      if (!source.containsKey(e.getKey())) {
        (e.getValue().position() > position ? d.unsettled : d.extra).add(e.getKey());
      }
    }
    Set<Key> deletedSince = deletedAfter(t, missing, position);
    for (Key k : missing) {
      (deletedSince.contains(k) ? d.unsettled : d.missing).add(k);
    }
    return d;
  }

  /** Of the given keys, those the target deleted at a position after {@code position}. */
  private Set<Key> deletedAfter(Connection target, List<Key> keys, long position)
      throws SQLException {
    Set<Key> out = new HashSet<>();
    if (keys.isEmpty()) {
      return out;
    }
    Map<String, Key> byText = new HashMap<>();
    for (Key k : keys) {
      byText.put(RowKeyText.of(k.values()), k);
    }
    Array texts = target.createArrayOf("text", byText.keySet().toArray());
    try (PreparedStatement ps =
        target.prepareStatement(
            "SELECT key FROM _sluice.tombstones WHERE tbl = ? AND key = ANY(?) AND lsn > ?")) {
      ps.setString(1, table.id().toString());
      ps.setArray(2, texts);
      ps.setLong(3, position);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(byText.get(rs.getString(1)));
        }
      }
    } finally {
      texts.free();
    }
    return out;
  }

  private Map<Key, String> sourceRows(Connection c, String query, List<Key> keys)
      throws SQLException {
    Map<Key, String> out = new HashMap<>();
    read(c, query, keys, (key, rs, n) -> out.put(key, rs.getString(n + 1)));
    return out;
  }

  private Map<Key, TargetRow> targetRows(Connection c, String query, List<Key> keys)
      throws SQLException {
    Map<Key, TargetRow> out = new HashMap<>();
    read(
        c,
        query,
        keys,
        (key, rs, n) -> out.put(key, new TargetRow(rs.getString(n + 1), rs.getLong(n + 2))));
    return out;
  }

  @FunctionalInterface
  private interface RowSink {
    void accept(Key key, ResultSet rs, int keyColumns) throws SQLException;
  }

  /** Reads rows by {@code query}; {@code keys} fill its key arrays, or null for a chunk's. */
  private void read(Connection c, String query, List<Key> keys, RowSink sink) throws SQLException {
    int n = Math.max(1, table.keyColumns().size());
    List<Array> arrays = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setFetchSize(10_000);
      if (keys != null) {
        for (int i = 0; i < table.keyColumns().size(); i++) {
          final int column = i;
          Array a =
              c.createArrayOf("text", keys.stream().map(k -> k.values().get(column)).toArray());
          arrays.add(a);
          ps.setArray(i + 1, a);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> values = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            values.add(rs.getString(i));
          }
          sink.accept(new Key(values), rs, n);
        }
      }
    } finally {
      for (Array a : arrays) {
        a.free();
      }
    }
  }

  /** A key as a report shows it: {@code id=7}, or {@code region=eu, code=3}. */
  String describe(Key key) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < table.keyColumns().size(); i++) {
      m.put(table.keyColumns().get(i), key.values().get(i));
    }
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return sb.toString();
  }

  /** The chunks' figures on one side: chunk to {count, fingerprint sum}. */
  static Map<Long, String[]> figures(Connection c, String query) throws SQLException {
    Map<Long, String[]> out = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      while (rs.next()) {
        out.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)});
      }
    }
    return out;
  }

  TableId id() {
    return table.id();
  }
}
