package io.sluice.test.apply;

import io.sluice.core.event.RowKeyText;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableSchema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares target tables with a {@link StreamModel} by the exact text of every column (the position
 * column aside). PostgreSQL prints both sides: the target's columns as {@code ::text}, and each of
 * the model's literals cast to its column's type and back to text, in the same session. So a value
 * matches only if the target holds exactly what the literal means, the scale of a numeric included,
 * whatever the session's time zone or date style.
 *
 * <p>Not thread-safe; one per case (it remembers the printed form of every literal it has seen).
 */
final class TargetComparison {
  private static final int MAX_REPORTED = 8;

  private final Connection c;
  private final List<TableSchema> tables;
  private final Map<String, Map<String, String>> printed = new HashMap<>();

  /** Compares through {@code c}, an auto-commit connection that only reads. */
  TargetComparison(Connection c, List<TableSchema> tables) {
    this.c = c;
    this.tables = tables;
  }

  /** The differences, one line each; empty when the target equals the model. */
  List<String> differences(StreamModel model) throws SQLException {
    List<String> out = new ArrayList<>();
    for (TableSchema t : tables) {
      Map<String, List<String>> expected = expected(t, model.rows(t.id()));
      Map<String, List<String>> actual = actual(t);
      TreeSet<String> keys = new TreeSet<>(expected.keySet());
      keys.addAll(actual.keySet());
      for (String key : keys) {
        List<String> want = expected.get(key);
        List<String> got = actual.get(key);
        if (got == null) {
          out.add(t.id() + " " + key + ": missing on the target; model has " + show(t, want));
        } else if (want == null) {
          out.add(t.id() + " " + key + ": on the target but not in the model: " + show(t, got));
        } else if (!want.equals(got)) {
          out.add(t.id() + " " + key + ": " + columnDiff(t, want, got));
        }
      }
    }
    if (out.size() > MAX_REPORTED) {
      int more = out.size() - MAX_REPORTED;
      out.subList(MAX_REPORTED, out.size()).clear();
      out.add("... and " + more + " more");
    }
    return out;
  }

  /** The model's rows as PostgreSQL prints them, by the printed key. */
  private Map<String, List<String>> expected(TableSchema t, Map<String, Map<String, String>> rows)
      throws SQLException {
    for (ColumnSchema col : t.columns()) {
      Set<String> literals = new LinkedHashSet<>();
      for (Map<String, String> row : rows.values()) {
        literals.add(row.get(col.name()));
      }
      print(col.type(), literals);
    }
    Map<String, List<String>> out = new TreeMap<>();
    for (Map<String, String> row : rows.values()) {
      List<String> values = new ArrayList<>();
      for (ColumnSchema col : t.columns()) {
        String literal = row.get(col.name());
        values.add(literal == null ? null : printed.get(col.type()).get(literal));
      }
      out.put(key(t, values), values);
    }
    return out;
  }

  /** Learns how PostgreSQL prints the literals of one type that it has not printed yet. */
  private void print(String type, Set<String> literals) throws SQLException {
    Map<String, String> known = printed.computeIfAbsent(type, k -> new HashMap<>());
    List<String> unknown =
        literals.stream().filter(l -> l != null && !known.containsKey(l)).toList();
    if (unknown.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT x, x::" + type + "::text FROM unnest(?::text[]) AS u(x)")) {
      Array array = c.createArrayOf("text", unknown.toArray());
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          known.put(rs.getString(1), rs.getString(2));
        }
      }
      array.free();
    }
  }

  /** The target's rows, every column printed as text, by the printed key. */
  private Map<String, List<String>> actual(TableSchema t) throws SQLException {
    String columns =
        t.columns().stream()
            .map(col -> col.quotedName() + "::text")
            .collect(Collectors.joining(", "));
    Map<String, List<String>> rows = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + columns + " FROM " + t.id().quoted())) {
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
          values.add(rs.getString(i + 1));
        }
        rows.put(key(t, values), values);
      }
    }
    return rows;
  }

  private static String key(TableSchema t, List<String> values) {
    List<String> key = new ArrayList<>();
    for (int i = 0; i < t.columns().size(); i++) {
      if (t.keyColumns().contains(t.columns().get(i).name())) {
        key.add(values.get(i));
      }
    }
    return RowKeyText.of(key);
  }

  private static String columnDiff(TableSchema t, List<String> want, List<String> got) {
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < want.size(); i++) {
      if (!Objects.equals(want.get(i), got.get(i))) {
        diffs.add(
            t.columns().get(i).name()
                + " is "
                + abbreviate(got.get(i))
                + ", model has "
                + abbreviate(want.get(i)));
      }
    }
    return String.join("; ", diffs);
  }

  private static String show(TableSchema t, List<String> values) {
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      shown.add(t.columns().get(i).name() + "=" + abbreviate(values.get(i)));
    }
    return "(" + String.join(", ", shown) + ")";
  }

  /** Long values as their start, length and hash, so a report stays readable. */
  static String abbreviate(String v) {
    if (v == null) {
      return "NULL";
    }
    String shown =
        v.length() <= 40
            ? v
            : v.substring(0, 24)
                + "…["
                + v.length()
                + " chars, hash "
                + Integer.toHexString(v.hashCode())
                + "]";
    return "'" + shown.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
  }
}
