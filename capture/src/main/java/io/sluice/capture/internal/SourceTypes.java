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
 * others are parsed by Debezium into Java values that sluice writes back exactly, except for two:
 *
 * <ul>
 *   <li>{@code timetz}: Debezium 3.6.3 normalises a streamed {@code timetz} to UTC, so its offset
 *       is lost;
 *   <li>{@code interval} on PostgreSQL 17 and later: pgjdbc's {@code PGInterval} reads a streamed
 *       {@code infinity} as zero. A column (or domain) that a {@code CHECK (isfinite(...))}
 *       constraint keeps finite is carried.
 * </ul>
 *
 * <p>Arrays always stream as the server's text, so arrays of those two types are carried. Domains
 * are carried over any carried type, those that reject NULL included (apply stages rows in the
 * domain's base type).
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
          "tstzmultirange");

  /** Built-in types carried exactly inside arrays only. */
  private static final Set<String> ARRAY_ONLY_TYPES = Set.of("timetz");

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
  private static final String FINITE_DOMAIN = "CHECK (isfinite(VALUE))";
  private static final String NOT_YET = "which sluice cannot carry exactly yet";

  private final Connection source;
  private final boolean infiniteIntervals;
  private final Map<Long, PgType> types = new HashMap<>();

  public SourceTypes(Connection source) throws SQLException {
    this.source = source;
    try (Statement st = source.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
      rs.next();
      this.infiniteIntervals = rs.getInt(1) >= 170_000;
    }
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
   * @param finite whether a constraint on the column keeps an interval finite
   */
  public ColumnType resolve(long typeOid, String formatType, boolean finite) throws SQLException {
    Map<Long, UserType> needed = new LinkedHashMap<>();
    String problem = problem(typeOid, finite, false, needed);
    if (problem != null) {
      return ColumnType.refused(problem);
    }
    return new ColumnType(formatType, List.copyOf(needed.values()), null);
  }

  /**
   * Why a value of the type cannot be carried exactly, or null when it can; collects the enums and
   * domains it needs, each after those it depends on.
   */
  private String problem(long oid, boolean finite, boolean inArray, Map<Long, UserType> needed)
      throws SQLException {
    PgType t = type(oid);
    if (t.element != 0) {
      return problem(t.element, finite, true, needed);
    }
    if (t.typtype == 'e') {
      need(needed, oid, t);
      return null;
    }
    if (t.typtype == 'd') {
      boolean finiteDomain = checks(oid).contains(FINITE_DOMAIN);
      String base = problem(t.baseType, finite || finiteDomain, inArray, needed);
      if (base != null) {
        return "a domain over " + t.baseFormatType + ", " + base;
      }
      need(needed, oid, t);
      return null;
    }
    boolean builtIn = t.typtype == 'b' || t.typtype == 'r' || t.typtype == 'm';
    if (!builtIn || !"pg_catalog".equals(t.schema)) {
      return NOT_YET;
    }
    if (ARRAY_ONLY_TYPES.contains(t.name)) {
      return inArray
          ? null
          : "whose offset Debezium 3.6.3 drops when it streams a change (arrays of it are"
              + " carried)";
    }
    if ("interval".equals(t.name) && infiniteIntervals && !inArray && !finite) {
      return "which may be infinite on PostgreSQL 17 and later, and a streamed infinite interval"
          + " reaches sluice as 0 (pgjdbc's PGInterval): add CHECK (isfinite(column)) to the"
          + " column or its domain to carry it";
    }
    return SUPPORTED_TYPES.contains(t.name) ? null : NOT_YET;
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
   * domains it needs there (dependencies first), or why it cannot be carried.
   */
  public record ColumnType(String targetType, List<UserType> userTypes, String problem) {
    static ColumnType refused(String problem) {
      return new ColumnType(null, List.of(), problem);
    }

    public boolean carried() {
      return problem == null;
    }
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
