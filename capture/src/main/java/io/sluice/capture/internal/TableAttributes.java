package io.sluice.capture.internal;

import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every attribute of a table as the catalog holds it now, by {@code attnum}: its name, and whether
 * it was dropped. A rename keeps the attnum; a dropped column keeps its slot, unnamed.
 */
public record TableAttributes(SortedMap<Integer, String> names, Set<Integer> dropped) {
  public TableAttributes {
    names = new TreeMap<>(names);
    dropped = Set.copyOf(dropped);
  }

  public static TableAttributes read(Connection c, TableId table) throws SQLException {
    SortedMap<Integer, String> names = new TreeMap<>();
    Set<Integer> dropped = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT attnum, attname, attisdropped FROM pg_attribute"
                + " WHERE attrelid = ?::regclass AND attnum > 0 ORDER BY attnum")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.put(rs.getInt(1), rs.getString(2));
          if (rs.getBoolean(3)) {
            dropped.add(rs.getInt(1));
          }
        }
      }
    }
    return new TableAttributes(names, dropped);
  }

  /** The attnum of the live column of that name, or null. */
  public Integer liveAttnum(String name) {
    for (Map.Entry<Integer, String> e : names.entrySet()) {
      if (!dropped.contains(e.getKey()) && e.getValue().equals(name)) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Live column names and their attnums. */
  public Map<String, Integer> liveAttnums() {
    Map<String, Integer> out = new HashMap<>();
    names.forEach(
        (attnum, name) -> {
          if (!dropped.contains(attnum)) {
            out.put(name, attnum);
          }
        });
    return out;
  }

  public boolean isDropped(int attnum) {
    return dropped.contains(attnum) || !names.containsKey(attnum);
  }

  public String name(int attnum) {
    return names.get(attnum);
  }

  public Set<Integer> attnums() {
    return names.keySet();
  }
}
