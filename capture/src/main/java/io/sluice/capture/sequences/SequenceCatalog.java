package io.sluice.capture.sequences;

import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads sequences, their definitions and their values from a catalog (the source's or the
 * target's).
 */
final class SequenceCatalog {
  private static final String DEFINITION =
      "format_type(ps.seqtypid, NULL), ps.seqincrement, ps.seqmin, ps.seqmax, ps.seqstart,"
          + " ps.seqcache, ps.seqcycle";

  /**
   * Sequences a column of a table owns: {@code serial} ones and those made {@code OWNED BY} it
   * (pg_depend deptype {@code a}), identity ones (deptype {@code i}).
   */
  private static final String OWNED =
      "SELECT sn.nspname, s.relname, a.attname, d.deptype = 'i',"
          + " EXISTS (SELECT 1 FROM pg_attrdef ad JOIN pg_depend dd"
          + "   ON dd.classid = 'pg_attrdef'::regclass AND dd.objid = ad.oid"
          + "   AND dd.refclassid = 'pg_class'::regclass AND dd.refobjid = s.oid"
          + "   WHERE ad.adrelid = t.oid AND ad.adnum = a.attnum), "
          + DEFINITION
          + " FROM pg_class t"
          + " JOIN pg_namespace tn ON tn.oid = t.relnamespace"
          + " JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid"
          + "   AND d.classid = 'pg_class'::regclass AND d.refobjsubid > 0"
          + "   AND d.deptype IN ('a', 'i')"
          + " JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
          + " JOIN pg_namespace sn ON sn.oid = s.relnamespace"
          + " JOIN pg_sequence ps ON ps.seqrelid = s.oid"
          + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
          + " WHERE tn.nspname = ? AND t.relname = ?"
          + " ORDER BY a.attnum";

  private static final String NAMED =
      "SELECT "
          + DEFINITION
          + " FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace"
          + " JOIN pg_sequence ps ON ps.seqrelid = s.oid"
          + " WHERE s.relkind = 'S' AND sn.nspname = ? AND s.relname = ?";

  private static final String BY_REGCLASS =
      "SELECT " + DEFINITION + " FROM pg_sequence ps WHERE ps.seqrelid = ?::regclass";

  private SequenceCatalog() {}

  /** The sequences the columns of {@code table} own, in column order. */
  static List<SourceSequence> owned(Connection c, TableId table) throws SQLException {
    List<SourceSequence> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(OWNED)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String schema = rs.getString(1);
          String name = rs.getString(2);
          out.add(
              new SourceSequence(
                  schema,
                  name,
                  Optional.of(table),
                  Optional.of(rs.getString(3)),
                  rs.getBoolean(4),
                  rs.getBoolean(5),
                  definition(rs, 6),
                  SequenceState.ZERO));
        }
      }
    }
    List<SourceSequence> read = new ArrayList<>();
    for (SourceSequence s : out) {
      read.add(withState(s, state(c, s.quoted())));
    }
    return read;
  }

  /** The sequence {@code schema.name}, free-standing or not; empty when there is none. */
  static Optional<SourceSequence> named(Connection c, String schema, String name)
      throws SQLException {
    SequenceDefinition d;
    try (PreparedStatement ps = c.prepareStatement(NAMED)) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        d = definition(rs, 1);
      }
    }
    SourceSequence s =
        new SourceSequence(
            schema, name, Optional.empty(), Optional.empty(), false, false, d, SequenceState.ZERO);
    return Optional.of(withState(s, state(c, s.quoted())));
  }

  /** The definition of the sequence that {@code regclass} (a quoted name) names. */
  static SequenceDefinition definition(Connection c, String regclass) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(BY_REGCLASS)) {
      ps.setString(1, regclass);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException(regclass + " is not a sequence");
        }
        return definition(rs, 1);
      }
    }
  }

  /** Where the sequence that {@code quoted} names stands (needs SELECT on it). */
  static SequenceState state(Connection c, String quoted) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + quoted)) {
      rs.next();
      return new SequenceState(rs.getLong(1), rs.getBoolean(2));
    }
  }

  private static SourceSequence withState(SourceSequence s, SequenceState state) {
    return new SourceSequence(
        s.schema(),
        s.name(),
        s.table(),
        s.column(),
        s.identity(),
        s.columnDefault(),
        s.definition(),
        state);
  }

  private static SequenceDefinition definition(ResultSet rs, int from) throws SQLException {
    return new SequenceDefinition(
        rs.getString(from),
        rs.getLong(from + 1),
        rs.getLong(from + 2),
        rs.getLong(from + 3),
        rs.getLong(from + 4),
        rs.getLong(from + 5),
        rs.getBoolean(from + 6));
  }
}
