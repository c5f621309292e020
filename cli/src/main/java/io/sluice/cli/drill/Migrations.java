package io.sluice.cli.drill;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Migrations of the drill's own table {@value #TABLE} on the source, each as a migration tool runs
 * it: one transaction with DML before and after a single DDL statement that adds, renames or drops
 * a column or widens a type. It remembers the table's columns as the migrations leave them.
 */
public final class Migrations {
  public static final String TABLE = "ref_drill";

  private final String jdbcUrl;
  private final List<String> textColumns = new ArrayList<>(List.of("note"));
  private int labelLength = 20;
  private String qtyType = "integer";
  private int counter;

  private Migrations(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /** Creates the table with {@code rows} rows on the source; {@code jdbcUrl} carries the user. */
  public static Migrations create(String jdbcUrl, int rows) throws SQLException {
    Migrations m = new Migrations(jdbcUrl);
    try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE "
              + TABLE
              + " (id int PRIMARY KEY, label varchar(20) NOT NULL, qty integer, note text)");
      st.execute(
          "INSERT INTO "
              + TABLE
              + " SELECT g, 'label ' || g, g, 'note ' || g FROM generate_series(1, "
              + rows
              + ") g");
    }
    return m;
  }

  /** Runs the next migration; returns what it did. */
  public String next(Random r) throws SQLException {
    counter++;
    List<String> textColumns = new ArrayList<>(this.textColumns);
    int labelLength = this.labelLength;
    String qtyType = this.qtyType;
    String ddl;
    String after;
    int pick = r.nextInt(4);
    if (pick == 0 || textColumns.isEmpty()) {
      String added = "c" + counter;
      ddl = "ADD COLUMN " + added + " text NOT NULL DEFAULT 'd" + counter + "'";
      after = "UPDATE " + TABLE + " SET " + added + " = 'set " + counter + "' WHERE id % 5 = 0";
      textColumns.add(added);
    } else if (pick == 1) {
      String old = textColumns.remove(r.nextInt(textColumns.size()));
      String renamed = "r" + counter;
      ddl = "RENAME COLUMN " + old + " TO " + renamed;
      after =
          "UPDATE " + TABLE + " SET " + renamed + " = 'renamed " + counter + "' WHERE id % 7 = 1";
      textColumns.add(renamed);
    } else if (pick == 2 && textColumns.size() > 1) {
      String dropped = textColumns.remove(r.nextInt(textColumns.size()));
      ddl = "DROP COLUMN " + dropped;
      after = "UPDATE " + TABLE + " SET qty = qty + 1 WHERE id % 11 = 2";
    } else if (qtyType.equals("integer")) {
      qtyType = "bigint";
      ddl = "ALTER COLUMN qty TYPE bigint";
      after = "UPDATE " + TABLE + " SET qty = 10000000000 + id WHERE id % 13 = 3";
    } else {
      labelLength += 10;
      ddl = "ALTER COLUMN label TYPE varchar(" + labelLength + ")";
      after =
          "UPDATE "
              + TABLE
              + " SET label = rpad(label, "
              + labelLength
              + ", '+') WHERE id % 17 = 4";
    }
    String before =
        "UPDATE " + TABLE + " SET qty = coalesce(qty, 0) + 1 WHERE id % 3 = " + r.nextInt(3);
    try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute(before);
        st.execute("ALTER TABLE " + TABLE + " " + ddl);
        st.execute(after);
        st.execute(
            "INSERT INTO " + TABLE + " (id, label) VALUES (" + (100_000 + counter) + ", 'm')");
      }
      c.commit();
    }
    // the table is as the migration left it only once it committed
    this.textColumns.clear();
    this.textColumns.addAll(textColumns);
    this.labelLength = labelLength;
    this.qtyType = qtyType;
    return ddl;
  }
}
