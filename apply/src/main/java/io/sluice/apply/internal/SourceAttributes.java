package io.sluice.apply.internal;

import io.sluice.apply.TargetSchema;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which source attribute ({@code attnum}) each target column was last known as, kept in {@code
 * _sluice.columns}, and the renames applied, kept in {@code _sluice.renamed_columns}. A rename
 * keeps the attnum, so a schema event naming an attribute anew is a rename of the target column
 * known as that attribute, whatever capture saw in between; and a change written under the old name
 * that another partition applies after the rename is moved to the new one.
 */
public final class SourceAttributes {
  private static final String COLUMNS = TargetSchema.SLUICE_SCHEMA + ".columns";
  private static final String RENAMED = TargetSchema.SLUICE_SCHEMA + ".renamed_columns";

  private SourceAttributes() {}

  /** The recorded attnum of each target column of the table, by name. */
  static Map<String, Integer> recorded(Connection c, TableId table) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT name, attnum FROM " + COLUMNS + " WHERE tbl = ?")) {
      ps.setString(1, table.toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return out;
  }

  /**
   * The target's columns with the attnum each is known as: the recorded one, else, for a column
   * never recorded (a table older than the record), the attnum of the source column of its name.
   */
  static TableSchema annotate(
      TableSchema target, Map<String, Integer> recorded, TableSchema source) {
    Set<Integer> taken = new HashSet<>(recorded.values());
    List<ColumnSchema> columns = new ArrayList<>();
    for (ColumnSchema t : target.columns()) {
      Integer attnum = recorded.get(t.name());
      if (attnum == null && source.columnNames().contains(t.name())) {
        int guess = source.column(t.name()).attnum();
        attnum = guess > 0 && taken.add(guess) ? guess : null;
      }
      columns.add(
          new ColumnSchema(
              t.name(),
              t.type(),
              t.nullable(),
              t.defaultExpr(),
              attnum == null ? 0 : attnum,
              t.generated()));
    }
    return new TableSchema(target.id(), columns, target.keyColumns(), target.types());
  }

  /**
   * Records the source columns' attnums under their names; names renamed away are forgotten. Inside
   * the caller's transaction.
   */
  static void record(Connection c, TableSchema source, Collection<String> renamedAway)
      throws SQLException {
    String table = source.id().toString();
    try (PreparedStatement forget =
        c.prepareStatement("DELETE FROM " + COLUMNS + " WHERE tbl = ? AND name = ?")) {
      for (String old : renamedAway) {
        forget.setString(1, table);
        forget.setString(2, old);
        forget.executeUpdate();
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + COLUMNS
                + " (tbl, name, attnum) VALUES (?, ?, ?) ON CONFLICT (tbl, name)"
                + " DO UPDATE SET attnum = EXCLUDED.attnum")) {
      for (ColumnSchema s : source.columns()) {
        if (s.attnum() > 0) {
          ps.setString(1, table);
          ps.setString(2, s.name());
          ps.setInt(3, s.attnum());
          ps.executeUpdate();
        }
      }
    }
  }

  /** Records renames (old name to new) so late changes under an old name find the column. */
  static void recordRenames(Connection c, TableId table, Map<String, String> renames)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + RENAMED
                + " (tbl, old_name, new_name) VALUES (?, ?, ?)"
                + " ON CONFLICT (tbl, old_name) DO UPDATE SET new_name = EXCLUDED.new_name")) {
      for (Map.Entry<String, String> r : renames.entrySet()) {
        ps.setString(1, table.toString());
        ps.setString(2, r.getKey());
        ps.setString(3, r.getValue());
        ps.executeUpdate();
      }
    }
  }

  /**
   * Records the attnums of the columns a table has on the target, for a table sluice created or
   * found: existing records are kept (they may name columns the source renamed since).
   */
  public static void recordKnown(Connection c, TableSchema source, Collection<String> onTarget)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + COLUMNS
                + " (tbl, name, attnum) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM "
                + COLUMNS
                + " WHERE tbl = ? AND attnum = ?) ON CONFLICT (tbl, name) DO NOTHING")) {
      for (ColumnSchema s : source.columns()) {
        if (s.attnum() > 0 && onTarget.contains(s.name())) {
          ps.setString(1, source.id().toString());
          ps.setString(2, s.name());
          ps.setInt(3, s.attnum());
          ps.setString(4, source.id().toString());
          ps.setInt(5, s.attnum());
          ps.executeUpdate();
        }
      }
    }
  }
}
