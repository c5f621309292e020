package io.sluice.apply.internal;

import io.sluice.apply.TargetSchema;
import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a target table in line with a changed source table, in its own transaction: the enums and
 * domains its columns use are created if the target lacks them, renamed columns are renamed, added
 * columns are added (generated ones generated), widened types are widened, a dropped source column
 * stays on the target (and loses NOT NULL, since nothing writes it any more), and NOT NULL follows
 * the source once the target's rows allow it ({@link NotNullFollower}). Anything else (a narrowed
 * or changed type, a different key) cannot be applied to the target's rows in place and halts the
 * group with what changed and how to go on. Running it again for the same source schema changes
 * nothing.
 */
public final class SchemaReconciler {
  private static final Logger log = LoggerFactory.getLogger(SchemaReconciler.class);
  private static final Pattern PARAMS =
      Pattern.compile("^([a-z ]+)(?:\\((\\d+)(?:,(-?\\d+))?\\))?( .*)?$");
  private static final Map<String, Integer> INTEGER_DIGITS =
      Map.of("smallint", 5, "integer", 10, "bigint", 19);

  private final PostgresBatchWriter writer;

  public SchemaReconciler(PostgresBatchWriter writer) {
    this.writer = writer;
  }

  /**
   * Returns the statements it ran (empty when the target already fits). Every partition of a group
   * meets the same schema event; a transaction-scoped advisory lock per table makes them take
   * turns, so the first changes the table and the others find it fitting.
   *
   * <p>Partitions run at their own pace, so one may meet an older schema event of a table after
   * another partition applied a newer one: the position of the newest change followed is kept per
   * table ({@code _sluice.schema_changes}), and an event older than it changes nothing (following
   * it would undo a rename, or re-add a column under its old name).
   *
   * @param position the source position of the schema event (its first change's)
   */
  public List<String> reconcile(Connection c, TableSchema source, long position)
      throws SQLException {
    List<String> ddl;
    try {
      ddl =
          Transactions.inTransaction(
              c,
              tx -> {
                try (PreparedStatement lock =
                        tx.prepareStatement(
                            "SELECT pg_advisory_xact_lock(hashtext('sluice.schema'), hashtext(?))");
                    Statement st = tx.createStatement()) {
                  lock.setString(1, source.id().toString());
                  lock.execute();
                  if (followedNewer(tx, source.id(), position)) {
                    return List.of();
                  }
                  if (!source.types().isEmpty()) {
                    // Tables of one group can meet a new enum or domain at the same time.
                    lock.setString(1, "user types");
                    lock.execute();
                    TargetSchema.ensureTypes(tx, source.types());
                  }
                  TableSchema before =
                      SourceAttributes.annotate(
                          TargetTable.describe(tx, source.id()),
                          SourceAttributes.recorded(tx, source.id()),
                          source);
                  Map<String, String> renames = new LinkedHashMap<>();
                  List<String> plan = plan(source, before, renames);
                  for (String sql : plan) {
                    st.execute(sql);
                  }
                  SourceAttributes.recordRenames(tx, source.id(), renames);
                  SourceAttributes.record(tx, source, renames.keySet());
                  List<String> ran = new ArrayList<>(plan);
                  ran.addAll(NotNullFollower.follow(tx, source, renames));
                  recordFollowed(tx, source.id(), position);
                  return ran;
                }
              });
    } finally {
      writer.forget(source.id());
    }
    if (!ddl.isEmpty()) {
      log.info("target table {} follows a source schema change: {}", source.id(), ddl);
    }
    return ddl;
  }

  /** Whether a newer schema change of the table than the one at {@code position} was followed. */
  private static boolean followedNewer(Connection c, TableId table, long position)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT lsn FROM " + TargetSchema.SLUICE_SCHEMA + ".schema_changes WHERE tbl = ?")) {
      ps.setString(1, table.toString());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getLong(1) > position;
      }
    }
  }

  private static void recordFollowed(Connection c, TableId table, long position)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + TargetSchema.SLUICE_SCHEMA
                + ".schema_changes AS x (tbl, lsn) VALUES (?, ?)"
                + " ON CONFLICT (tbl) DO UPDATE SET lsn = greatest(x.lsn, EXCLUDED.lsn)")) {
      ps.setString(1, table.toString());
      ps.setLong(2, position);
      ps.executeUpdate();
    }
  }

  /** The DDL that makes the target fit the source, or a refusal naming what cannot be applied. */
  static List<String> plan(TableSchema source, TableSchema target) {
    return plan(source, target, new LinkedHashMap<>());
  }

  /**
   * As {@link #plan(TableSchema, TableSchema)}, for a target whose columns carry the source
   * attribute each was last known as; adds the columns it renames to {@code renames} (old name to
   * new).
   */
  static List<String> plan(TableSchema source, TableSchema target, Map<String, String> renames) {
    TableId id = source.id();
    List<String> ddl = new ArrayList<>();
    target = renamed(source, target, ddl, renames);
    if (!source.keyColumns().equals(target.keyColumns())) {
      throw incompatible(
          id,
          "its key changed from "
              + target.keyColumns()
              + " to "
              + source.keyColumns()
              + "; rows cannot be matched across key changes",
          "re-create the target table with the new key and reload it");
    }
    Map<String, ColumnSchema> onTarget =
        target.columns().stream()
            .collect(Collectors.toMap(ColumnSchema::name, Function.identity()));
    String table = id.quoted();
    for (ColumnSchema s : source.columns()) {
      ColumnSchema t = onTarget.get(s.name());
      if (t == null) {
        // With the source's default, rows already on the target get the value the source's
        // existing rows got (exactly, for a constant default). A generated column is generated
        // on the target too.
        ddl.add(
            "ALTER TABLE "
                + table
                + " ADD COLUMN "
                + s.quotedName()
                + " "
                + s.type()
                + (s.isGenerated()
                    ? " GENERATED ALWAYS AS (" + s.generated() + ") STORED"
                    : s.defaultExpr() == null || s.defaultExpr().contains("nextval(")
                        ? ""
                        : " DEFAULT " + s.defaultExpr()));
        continue;
      }
      if (s.isGenerated() && !t.isGenerated()) {
        throw incompatible(
            id,
            "column "
                + s.name()
                + " is generated on the source ("
                + s.generated()
                + ") but not on the target, so nothing would fill it",
            "drop the target's column "
                + s.quotedName()
                + " and restart the group: sluice adds it back generated");
      }
      if (!s.isGenerated() && t.isGenerated()) {
        // The source dropped the expression (the column keeps its values): changes carry them now.
        ddl.add("ALTER TABLE " + table + " ALTER COLUMN " + s.quotedName() + " DROP EXPRESSION");
      }
      if (!t.type().equals(s.type())) {
        if (!widens(t.type(), s.type())) {
          throw incompatible(
              id,
              "column "
                  + s.name()
                  + " changed type from "
                  + t.type()
                  + " to "
                  + s.type()
                  + ", which is not a widening sluice can apply in place",
              "change the target column yourself (ALTER TABLE "
                  + table
                  + " ALTER COLUMN "
                  + s.quotedName()
                  + " TYPE "
                  + s.type()
                  + " USING ...) and restart the group, or reload the table");
        }
        ddl.add("ALTER TABLE " + table + " ALTER COLUMN " + s.quotedName() + " TYPE " + s.type());
      }
      if (s.nullable() && !t.nullable()) {
        ddl.add("ALTER TABLE " + table + " ALTER COLUMN " + s.quotedName() + " DROP NOT NULL");
      }
    }
    for (ColumnSchema t : target.columns()) {
      boolean dropped = source.columns().stream().noneMatch(s -> s.name().equals(t.name()));
      if (dropped && !t.nullable()) {
        ddl.add("ALTER TABLE " + table + " ALTER COLUMN " + t.quotedName() + " DROP NOT NULL");
      }
    }
    return ddl;
  }

  /**
   * The target as it is once the source's renames are applied, adding the statements to {@code
   * ddl}: a target column known as the same source attribute as a source column of another name is
   * renamed to it (the source renamed it, perhaps while capture or apply was down). A target column
   * of the source column's name that was another attribute cannot be followed in place: the source
   * dropped that column and added a new one under its name.
   */
  private static TableSchema renamed(
      TableSchema source, TableSchema target, List<String> ddl, Map<String, String> renames) {
    List<ColumnSchema> columns = new ArrayList<>(target.columns());
    List<String> key = new ArrayList<>(target.keyColumns());
    for (ColumnSchema s : source.columns()) {
      if (s.attnum() <= 0) {
        continue;
      }
      int same = target.columnNames().indexOf(s.name());
      if (same >= 0) {
        int known = columns.get(same).attnum();
        if (known > 0 && known != s.attnum()) {
          throw incompatible(
              source.id(),
              "column "
                  + s.name()
                  + " was dropped and added again, so the target's column of that name holds"
                  + " another column's values",
              "rename or drop the target's column "
                  + s.quotedName()
                  + " yourself, delete its row from _sluice.columns, and restart the group; or"
                  + " reload the table");
        }
        continue;
      }
      int at = -1;
      for (int i = 0; i < columns.size(); i++) {
        ColumnSchema t = columns.get(i);
        if (t.attnum() == s.attnum() && !source.columnNames().contains(t.name())) {
          at = i;
        }
      }
      if (at < 0) {
        continue; // a new attribute: the column is added below
      }
      String from = columns.get(at).name();
      ddl.add(
          "ALTER TABLE "
              + source.id().quoted()
              + " RENAME COLUMN "
              + TableId.quote(from)
              + " TO "
              + s.quotedName());
      renames.put(from, s.name());
      columns.set(at, columns.get(at).named(s.name()));
      key.replaceAll(k -> k.equals(from) ? s.name() : k);
    }
    return new TableSchema(target.id(), columns, key, target.types());
  }

  /** True when every value of type {@code from} is a value of type {@code to}, unchanged. */
  static boolean widens(String from, String to) {
    if (from.equals(to)) {
      return true;
    }
    if (from.endsWith("[]") && to.endsWith("[]")) {
      return widens(from.substring(0, from.length() - 2), to.substring(0, to.length() - 2));
    }
    Optional<Type> f = Type.parse(from);
    Optional<Type> t = Type.parse(to);
    if (f.isEmpty() || t.isEmpty()) {
      return false;
    }
    Type a = f.get();
    Type b = t.get();
    Integer digits = INTEGER_DIGITS.get(a.base());
    if (digits != null) {
      if (INTEGER_DIGITS.containsKey(b.base())) {
        return INTEGER_DIGITS.get(b.base()) >= digits;
      }
      return b.base().equals("numeric")
          && (b.precision() == null || b.precision() - b.scaleOrZero() >= digits);
    }
    switch (a.base()) {
      case "real":
        return b.base().equals("double precision");
      case "numeric":
        return b.base().equals("numeric")
            && a.precision() != null
            && (b.precision() == null
                || (b.scaleOrZero() >= a.scaleOrZero()
                    && b.precision() - b.scaleOrZero() >= a.precision() - a.scaleOrZero()));
      case "character varying":
        return b.base().equals("text")
            || (b.base().equals("character varying")
                && a.precision() != null
                && (b.precision() == null || b.precision() >= a.precision()));
      case "character":
        return b.base().equals("character")
            && a.precision() != null
            && b.precision() != null
            && b.precision() >= a.precision();
      case "timestamp", "time":
        return b.base().equals(a.base())
            && a.suffix().equals(b.suffix())
            && (b.precision() == null || (a.precision() != null && b.precision() >= a.precision()));
      default:
        return false;
    }
  }

  private static SluiceException incompatible(TableId id, String what, String howToProceed) {
    return new SluiceException(
        "the source table "
            + id
            + " changed in a way sluice cannot apply to the target: "
            + what
            + ". The group stays halted at this change until an operator acts: "
            + howToProceed
            + ".");
  }

  /** A type as format_type prints it: base name, optional (precision[,scale]) and suffix. */
  private record Type(String base, Integer precision, Integer scale, String suffix) {
    static Optional<Type> parse(String text) {
      Matcher m = PARAMS.matcher(text);
      if (!m.matches()) {
        return Optional.empty();
      }
      String base = m.group(1).trim();
      String suffix = m.group(4) == null ? "" : m.group(4).trim();
      // "timestamp without time zone" and "timestamp(3) without time zone" share a base.
      for (String temporal : new String[] {"timestamp ", "time "}) {
        if (base.startsWith(temporal)) {
          suffix = base.substring(temporal.length());
          base = temporal.trim();
        }
      }
      return Optional.of(
          new Type(
              base,
              m.group(2) == null ? null : Integer.valueOf(m.group(2)),
              m.group(3) == null ? null : Integer.valueOf(m.group(3)),
              suffix));
    }

    int scaleOrZero() {
      return scale == null ? 0 : scale;
    }
  }
}
