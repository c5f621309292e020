package io.sluice.capture.internal;

import io.sluice.core.schema.UserType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, from the source catalog, whether sluice carries a column's type exactly, and which enums
 * and domains the target needs for it.
 *
 * <p>What is exact follows from how values travel (see {@link PostgresTextFormatter}): the snapshot
 * reads every value as the server's text; streamed values of most types are that text too, and the
 * others are parsed by Debezium into Java values that sluice writes back exactly, except for two,
 * which capture reads again from the source row by key ({@link SourceRowFiller}):
 *
 * <ul>
 *   <li>{@code timetz}: Debezium 3.6.3 normalises a streamed {@code timetz} to UTC, so its offset
 *       is lost;
 *   <li>{@code interval}, when zero: pgjdbc's {@code PGInterval} reads a streamed {@code infinity}
 *       (PostgreSQL 17 and later) as zero.
 * </ul>
 *
 * <p>Such a column cannot be part of the key, since the key is what finds the row. Arrays always
 * stream as the server's text, so arrays of those two types are exact as they come. Domains are
 * carried over any carried type, those that reject NULL included (apply stages rows in the domain's
 * base type).
 *
 * <p>{@code money} travels as text under {@code lc_monetary=C} on both sides ({@link
 * DebeziumProperties#SESSION_OPTIONS}), so its whole number of cents arrives unchanged whatever
 * locale the databases use; Debezium parses a streamed value into an exact decimal. The types of
 * the extensions in {@link #CARRIED_EXTENSIONS} travel as their text, which their input function
 * reads back to the same value; the target needs the extension installed.
 */
public final class SourceTypes {
  /** Built-in base types carried exactly, by {@code pg_type.typname}. */
  public static final Set<String> SUPPORTED_TYPES =
      Set.of(
          "int2",
          "int4",
          "int8",
          "numeric",
          "float4",
          "float8",
          "bool",
          "text",
          "varchar",
          "bpchar",
          "date",
          "time",
          "timestamp",
          "timestamptz",
          "interval",
          "timetz",
          "uuid",
          "json",
          "jsonb",
          "bytea",
          "inet",
          "cidr",
          "macaddr",
          "macaddr8",
          "bit",
          "varbit",
          "tsvector",
          "int4range",
          "int8range",
          "numrange",
          "daterange",
          "tsrange",
          "tstzrange",
          "int4multirange",
          "int8multirange",
          "nummultirange",
          "datemultirange",
          "tsmultirange",
          "tstzmultirange",
          "money");

  /**
   * Extensions whose types are carried, by extension name: each type's text form reads back to the
   * same value, and Debezium 3.6.3 hands streamed values over as that text.
   */
  public static final Set<String> CARRIED_EXTENSIONS = Set.of("hstore", "ltree", "citext");

  /** Built-in types whose streamed values capture reads again from the source row. */
  private static final Set<String> REREAD_TYPES = Set.of("timetz", "interval");

  private static final String TYPE =
      "SELECT n.nspname, t.typname, t.typtype, CASE WHEN e.typarray = t.oid THEN t.typelem"
          + " ELSE 0 END, t.typbasetype, format_type(t.typbasetype, t.typtypmod), t.typnotnull,"
          + " pg_get_expr(t.typdefaultbin, 0)"
          + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
          + " LEFT JOIN pg_type e ON e.oid = t.typelem WHERE t.oid = ?";
  private static final String ENUM_LABELS =
      "SELECT enumlabel FROM pg_enum WHERE enumtypid = ? ORDER BY enumsortorder";
  private static final String DOMAIN_CHECKS =
      "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = ? AND contype = 'c'";
  private static final String EXTENSION =
      "SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid"
          + " WHERE d.classid = 'pg_type'::regclass AND d.objid = ?"
          + " AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'";
  private static final String NOT_YET = "which sluice cannot carry exactly yet";

  private final Connection source;
  private final Map<Long, PgType> types = new HashMap<>();

  public SourceTypes(Connection source) {
    this.source = source;
  }

  /**
   * Types anywhere in the source database, captured or not, that stop Debezium 3.6.3 from starting:
   * its type registry reads every type of category {@code E} as an enum and fails on one without
   * labels, such as a domain over an enum.
   */
  public List<String> typesDebeziumCannotLoad() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = source.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT n.nspname, t.typname FROM pg_type t"
                    + " JOIN pg_namespace n ON n.oid = t.typnamespace"
                    + " WHERE t.typcategory = 'E' AND t.typtype <> 'e' ORDER BY 1, 2")) {
      while (rs.next()) {
        out.add(rs.getString(1) + "." + rs.getString(2));
      }
    }
    return out;
  }

  /**
   * How a column of the given type travels.
   *
   * @param formatType the column's type as {@code format_type} prints it, which the target column
   *     gets: the enums and domains are created under the same names, so it reads the same there
   */
  public ColumnType resolve(long typeOid, String formatType) throws SQLException {
    Resolution r = new Resolution();
    String problem = problem(typeOid, false, r);
    if (problem != null) {
      return ColumnType.refused(problem);
    }
    return new ColumnType(formatType, List.copyOf(r.needed.values()), null, r.reread);
  }

  /**
   * Why a value of the type cannot be carried exactly, or null when it can; collects the enums and
   * domains it needs, each after those it depends on, and whether streamed values are read again.
   */
  private String problem(long oid, boolean inArray, Resolution r) throws SQLException {
    PgType t = type(oid);
    if (t.element != 0) {
      return problem(t.element, true, r);
    }
    if (t.typtype == 'e') {
      need(r.needed, oid, t);
      return null;
    }
    if (t.typtype == 'd') {
      String base = problem(t.baseType, inArray, r);
      if (base != null) {
        return "a domain over " + t.baseFormatType + ", " + base;
      }
      need(r.needed, oid, t);
      return null;
    }
    boolean base = t.typtype == 'b' || t.typtype == 'r' || t.typtype == 'm';
    if (!base) {
      return NOT_YET;
    }
    if (!"pg_catalog".equals(t.schema)) {
      return extensionType(oid, t, r);
    }
    if (REREAD_TYPES.contains(t.name) && !inArray) {
      r.reread = true;
    }
    return SUPPORTED_TYPES.contains(t.name) ? null : NOT_YET;
  }

  /** A base type outside pg_catalog: carried when an extension sluice carries defines it. */
  private String extensionType(long oid, PgType t, Resolution r) throws SQLException {
    List<String> owners = strings(EXTENSION, oid);
    if (owners.isEmpty()) {
      return NOT_YET;
    }
    String extension = owners.get(0);
    if (!CARRIED_EXTENSIONS.contains(extension)) {
      return "a type of extension "
          + extension
          + ", "
          + NOT_YET
          + " (extensions whose types it carries: "
          + String.join(", ", CARRIED_EXTENSIONS.stream().sorted().toList())
          + ")";
    }
    r.needed.putIfAbsent(oid, UserType.extensionOf(t.schema, t.name, extension));
    return null;
  }

  private void need(Map<Long, UserType> needed, long oid, PgType t) throws SQLException {
    if (!needed.containsKey(oid)) {
      needed.put(
          oid,
          t.typtype == 'e'
              ? UserType.enumOf(t.schema, t.name, strings(ENUM_LABELS, oid))
              : UserType.domainOf(
                  t.schema, t.name, t.baseFormatType, t.notNull, t.defaultExpression, checks(oid)));
    }
  }

  private List<String> checks(long oid) throws SQLException {
    return strings(DOMAIN_CHECKS, oid);
  }

  private List<String> strings(String sql, long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private PgType type(long oid) throws SQLException {
    PgType known = types.get(oid);
    if (known != null) {
      return known;
    }
    try (PreparedStatement ps = source.prepareStatement(TYPE)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("type " + oid + " is not in the source catalog");
        }
        PgType t =
            new PgType(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3).charAt(0),
                rs.getLong(4),
                rs.getLong(5),
                rs.getString(6),
                rs.getBoolean(7),
                rs.getString(8));
        types.put(oid, t);
        return t;
      }
    }
  }

  /**
   * A column type as sluice carries it: the type to create the target column with, the enums and
   * domains it needs there (dependencies first), or why it cannot be carried; and whether capture
   * reads its streamed values again from the source row.
   */
  public record ColumnType(
      String targetType, List<UserType> userTypes, String problem, boolean reread) {
    static ColumnType refused(String problem) {
      return new ColumnType(null, List.of(), problem, false);
    }

    public boolean carried() {
      return problem == null;
    }
  }

  private static final class Resolution {
    final Map<Long, UserType> needed = new LinkedHashMap<>();
    boolean reread;
  }

  private record PgType(
      String schema,
      String name,
      char typtype,
      long element,
      long baseType,
      String baseFormatType,
      boolean notNull,
      String defaultExpression) {}
}
