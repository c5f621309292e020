package io.sluice.test.apply;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares target tables with a {@link StreamModel} by the exact text of every column (the position
 * column aside). The model's literals are loaded into session-local tables of the same column types
 * and both sides are printed by PostgreSQL in one session, so a value matches only if the target
 * holds exactly what the literal means, scale of a numeric included.
 */
final class TargetComparison {
  private static final int MAX_REPORTED = 8;

  private TargetComparison() {}

  /** The differences, one line each; empty when the target equals the model. */
  static List<String> differences(Connection c, List<TableSchema> tables, StreamModel model)
      throws SQLException {
    List<String> out = new ArrayList<>();
    for (TableSchema t : tables) {
      String modelTable = "model_" + t.id().table();
      load(c, t, modelTable, model.rows(t.id()));
      Map<String, List<String>> expected = read(c, t, modelTable);
      Map<String, List<String>> actual = read(c, t, t.id().quoted());
      for (String key : new TreeSet<>(union(expected, actual))) {
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

  private static void load(
      Connection c, TableSchema t, String modelTable, Map<String, Map<String, String>> rows)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TEMP TABLE IF NOT EXISTS "
              + modelTable
              + " ("
              + t.columns().stream()
                  .map(col -> col.quotedName() + " " + col.type())
                  .collect(Collectors.joining(", "))
              + ")");
      st.execute("TRUNCATE " + modelTable);
    }
    String marks = String.join(", ", Collections.nCopies(t.columns().size(), "?"));
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + modelTable + " VALUES (" + marks + ")")) {
      for (Map<String, String> row : rows.values()) {
        int i = 1;
        for (ColumnSchema col : t.columns()) {
          // Untyped, so that PostgreSQL reads the literal with the column type's input function.
          ps.setObject(i++, row.get(col.name()), Types.OTHER);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Key text to the text of every column, as PostgreSQL prints them. */
  private static Map<String, List<String>> read(Connection c, TableSchema t, String from)
      throws SQLException {
    String key =
        "ROW("
            + t.keyColumns().stream()
                .map(TableId::quote)
                .collect(Collectors.joining(", "))
            + ")::text";
    String columns =
        t.columns().stream().map(col -> col.quotedName() + "::text").collect(Collectors.joining(", "));
    Map<String, List<String>> rows = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + key + ", " + columns + " FROM " + from)) {
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
          values.add(rs.getString(i + 2));
        }
        rows.put(rs.getString(1), values);
      }
    }
    return rows;
  }

  private static TreeSet<String> union(Map<String, ?> a, Map<String, ?> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys;
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
    String shown = v.length() <= 40 ? v : v.substring(0, 24) + "…[" + v.length() + " chars, hash " + Integer.toHexString(v.hashCode()) + "]";
    return "'" + shown.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
  }
}
