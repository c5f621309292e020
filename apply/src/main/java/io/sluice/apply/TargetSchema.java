package io.sluice.apply;

import io.sluice.apply.internal.NotNullFollower;
import io.sluice.apply.internal.SourceAttributes;
import io.sluice.apply.internal.TargetTable;
import io.sluice.apply.internal.Transactions;
import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.TargetLayout;
import io.sluice.core.schema.UserType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the target: sluice's bookkeeping schema (tombstones, truncation marks) and a table for
 * every captured source table, created with the source's exact column types plus the position
 * column {@value #POSITION_COLUMN}; a generated column is generated on the target from the same
 * expression. The enums and domains those types use are created first, under the source's names;
 * one that exists already must have the source's definition, or nothing is changed and the
 * difference is reported. Extensions whose types columns use must be installed on the target, in
 * the source's schema; a missing one is reported with the statement that installs it.
 */
public final class TargetSchema {
  /** Source position (WAL LSN) of the change that last wrote a target row. */
  public static final String POSITION_COLUMN = TargetLayout.POSITION_COLUMN;

  /** Schema of sluice's own tables on the target. */
  public static final String SLUICE_SCHEMA = "_sluice";

  private static final Logger log = LoggerFactory.getLogger(TargetSchema.class);

  private static final String TYPE =
      "SELECT t.oid, t.typtype, t.typnotnull, pg_get_expr(t.typdefaultbin, 0),"
          + " format_type(t.typbasetype, t.typtypmod)"
          + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
          + " WHERE n.nspname = ? AND t.typname = ?";
  private static final String ENUM_LABELS =
      "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder";
  private static final String DOMAIN_CHECKS =
      "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = ? AND contype = 'c'";

  private TargetSchema() {}

  public static void ensure(Connection c, List<TableSchema> tables) throws SQLException {
    Transactions.inTransaction(
        c,
        tx -> {
          create(tx, tables);
          return null;
        });
  }

  private static void create(Connection c, List<TableSchema> tables) throws SQLException {
    try (Statement st = c.createStatement()) {
      // Processes of one pipeline starting together take turns, so none trips over a table
      // another is creating.
      st.execute("SELECT pg_advisory_xact_lock(hashtext('sluice target schema'))");
      st.execute("CREATE SCHEMA IF NOT EXISTS " + SLUICE_SCHEMA);
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".tombstones (tbl text NOT NULL,"
              + " key text NOT NULL, lsn bigint NOT NULL, PRIMARY KEY (tbl, key))");
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".truncations (tbl text PRIMARY KEY,"
              + " lsn bigint NOT NULL)");
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".keyless_positions (tbl text PRIMARY KEY,"
              + " commit_order bigint NOT NULL, lsn bigint NOT NULL)");
      // Columns renamed on the target by a source schema change: a change written before the
      // rename may still reach the target from another partition under the old name.
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".renamed_columns (tbl text NOT NULL, old_name text NOT NULL,"
              + " new_name text NOT NULL, PRIMARY KEY (tbl, old_name))");
      // The source attribute (attnum) each target column was last known as: a rename keeps it.
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".columns (tbl text NOT NULL, name text NOT NULL, attnum int NOT NULL,"
              + " PRIMARY KEY (tbl, name))");
      // The position of the newest source schema change each table followed: an older one met
      // later, by a partition behind the others, changes nothing.
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + SLUICE_SCHEMA
              + ".schema_changes (tbl text PRIMARY KEY, lsn bigint NOT NULL)");
      // NOT NULL of source columns that the target's rows do not allow yet, or that sluice set.
      st.execute(NotNullFollower.createTable());
      ensureTypes(c, userTypes(tables));
      for (TableSchema t : tables) {
        Boolean hasPosition = hasPositionColumn(c, t.id());
        if (hasPosition == null) {
          st.execute("CREATE SCHEMA IF NOT EXISTS " + TableId.quote(t.id().schema()));
          st.execute(createTable(t));
          log.info("created target table {}", t.id());
        } else if (!hasPosition) {
          throw new SluiceException(
              "target table "
                  + t.id()
                  + " exists but has no "
                  + POSITION_COLUMN
                  + " column, so"
                  + " sluice cannot order changes into it: drop it to let sluice create it, or"
                  + " ALTER TABLE "
                  + t.id().quoted()
                  + " ADD COLUMN "
                  + POSITION_COLUMN
                  + " bigint NOT NULL DEFAULT 0");
        }
        SourceAttributes.recordKnown(c, t, TargetTable.describe(c, t.id()).columnNames());
      }
    }
  }

  /** The user types of all tables, each once, each after the types it depends on. */
  static List<UserType> userTypes(List<TableSchema> tables) {
    Map<String, UserType> out = new LinkedHashMap<>();
    for (TableSchema t : tables) {
      t.types().forEach(u -> out.putIfAbsent(u.quoted(), u));
    }
    return List.copyOf(out.values());
  }

  /**
   * Creates the enums and domains the target lacks, in the given order, in the caller's transaction
   * (a schema change that adds a column of a new type needs them too); refuses, naming the
   * difference, one that exists with another definition.
   */
  public static void ensureTypes(Connection c, List<UserType> types) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (UserType u : types) {
        ensureType(c, st, u);
      }
    }
  }

  private static void ensureType(Connection c, Statement st, UserType expected)
      throws SQLException {
    if (expected.kind() == UserType.Kind.EXTENSION) {
      ensureExtensionType(c, expected);
      return;
    }
    Optional<UserType> found = readType(c, expected);
    if (found.isEmpty()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + TableId.quote(expected.schema()));
      for (String sql : createType(expected)) {
        st.execute(sql);
      }
      log.info("created target type {}", expected.qualifiedName());
      return;
    }
    List<String> differences = expected.differencesFrom(found.get());
    if (!differences.isEmpty()) {
      throw new SluiceException(
          "target type "
              + expected.qualifiedName()
              + " exists with another definition than the source's: "
              + String.join("; ", differences)
              + " (expected is the source's); make the target's type match, or drop it and"
              + " the tables that use it to let sluice create them");
    }
  }

  /**
   * Checks that the target has an extension's type where the source has it: sluice does not install
   * extensions, so a missing one is reported with the statement that installs it.
   */
  private static void ensureExtensionType(Connection c, UserType expected) throws SQLException {
    String installed = null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                + " WHERE e.extname = ?")) {
      ps.setString(1, expected.extension());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          installed = rs.getString(1);
        }
      }
    }
    if (installed == null) {
      throw new SluiceException(
          "the source's columns of type "
              + expected.qualifiedName()
              + " need extension "
              + expected.extension()
              + " on the target, which does not have it: install it there (CREATE EXTENSION "
              + expected.extension()
              + " SCHEMA "
              + TableId.quote(expected.schema())
              + "), or leave those columns out with exclude-columns");
    }
    if (!installed.equals(expected.schema())) {
      throw new SluiceException(
          "the target has extension "
              + expected.extension()
              + " in schema "
              + installed
              + ", but the source's columns use its type in schema "
              + expected.schema()
              + " ("
              + expected.qualifiedName()
              + "): move it on the target (ALTER EXTENSION "
              + expected.extension()
              + " SET SCHEMA "
              + TableId.quote(expected.schema())
              + ")");
    }
  }

  /** The statements that create a type; a domain's constraints are added as they were deparsed. */
  static List<String> createType(UserType u) {
    if (u.kind() == UserType.Kind.ENUM) {
      return List.of(
          "CREATE TYPE "
              + u.quoted()
              + " AS ENUM ("
              + u.labels().stream().map(TargetSchema::literal).collect(Collectors.joining(", "))
              + ")");
    }
    StringBuilder domain =
        new StringBuilder("CREATE DOMAIN ").append(u.quoted()).append(" AS ").append(u.baseType());
    if (u.defaultExpression() != null) {
      domain.append(" DEFAULT ").append(u.defaultExpression());
    }
    if (u.notNull()) {
      domain.append(" NOT NULL");
    }
    List<String> out = new ArrayList<>();
    out.add(domain.toString());
    // ALTER DOMAIN ... ADD takes a deparsed constraint as it is, NOT VALID included.
    u.checks().forEach(check -> out.add("ALTER DOMAIN " + u.quoted() + " ADD " + check));
    return out;
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** The target's definition of a type named like {@code u}, if it has one. */
  private static Optional<UserType> readType(Connection c, UserType u) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(TYPE)) {
      ps.setString(1, u.schema());
      ps.setString(2, u.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long oid = rs.getLong(1);
        char kind = rs.getString(2).charAt(0);
        if (kind == 'e') {
          return Optional.of(UserType.enumOf(u.schema(), u.name(), strings(c, ENUM_LABELS, oid)));
        }
        if (kind != 'd') {
          throw new SluiceException(
              "target type "
                  + u.qualifiedName()
                  + " exists but is not an enum or a domain (pg_type.typtype '"
                  + kind
                  + "'), while the source's is "
                  + (u.kind() == UserType.Kind.ENUM ? "an enum" : "a domain")
                  + "; rename or drop the target's type");
        }
        return Optional.of(
            UserType.domainOf(
                u.schema(),
                u.name(),
                rs.getString(5),
                rs.getBoolean(3),
                rs.getString(4),
                strings(c, DOMAIN_CHECKS, oid)));
      }
    }
  }

  private static List<String> strings(Connection c, String sql, long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  static String createTable(TableSchema t) {
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(t.id().quoted()).append(" (");
    for (ColumnSchema c : t.columns()) {
      sql.append(c.quotedName()).append(' ').append(c.type());
      if (c.isGenerated()) {
        sql.append(" GENERATED ALWAYS AS (").append(c.generated()).append(") STORED");
      }
      if (!c.nullable()) {
        sql.append(" NOT NULL");
      }
      sql.append(", ");
    }
    sql.append(POSITION_COLUMN).append(" bigint NOT NULL");
    if (!t.keyless()) {
      sql.append(", PRIMARY KEY (").append(t.quotedKeyList()).append(')');
    }
    return sql.append(')').toString();
  }

  /** Whether the table has the position column, or null when the table does not exist. */
  private static Boolean hasPositionColumn(Connection c, TableId id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = k.oid"
                + " AND a.attname = ? AND NOT a.attisdropped)"
                + " FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace"
                + " WHERE n.nspname = ? AND k.relname = ?")) {
      ps.setString(1, POSITION_COLUMN);
      ps.setString(2, id.schema());
      ps.setString(3, id.table());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }
}
