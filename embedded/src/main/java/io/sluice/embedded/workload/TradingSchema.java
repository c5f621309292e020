package io.sluice.embedded.workload;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The trading schema on the source, in schema {@code public}: the large {@code fills} table and 32
 * small reference tables ({@code ref_*} and {@code cfg_*}), seeded deterministically.
 *
 * <p>{@code fills} exercises what CDC pipelines get wrong: {@code NUMERIC(38,18)} quantities and
 * prices, an unconstrained {@code numeric} fee that sometimes has 60+ significant digits, a tiny
 * scale or trailing zeros; non-ASCII trader names (Latin diacritics, Chinese, Greek, emoji);
 * microsecond {@code timestamptz} and {@code timestamp} (nullable); text with quotes, backslashes,
 * tabs and newlines.
 */
public final class TradingSchema {

  public static final String SCHEMA = "public";
  public static final String FILLS = "fills";
  public static final List<String> FILLS_PRIMARY_KEY = List.of("fill_id");

  /** The column order of {@code fills}. */
  public static final List<String> FILLS_COLUMNS =
      List.of(
          "fill_id",
          "order_id",
          "account_id",
          "instrument_id",
          "side",
          "qty",
          "price",
          "notional",
          "fee",
          "venue",
          "trader",
          "executed_at",
          "trade_date",
          "settled_at",
          "note");

  /** Prefix of the 16 market reference tables, one table-group naming family. */
  public static final String REF_PREFIX = "ref_";

  /** Prefix of the 16 risk and operations configuration tables, the other naming family. */
  public static final String CFG_PREFIX = "cfg_";

  static final String[] VENUES = {"XNYS", "XNAS", "BATS", "ARCX", "IEXG", "EDGX"};
  static final String[] TRADERS = {
    "Zoë Ñúñez", "Łukasz Żółć", "王小明", "Αλέξανδρος", "Mia 🚀 Chen", "O'Brien, Seán", "Plain Ascii"
  };

  private static final String CREATE_FILLS =
      """
      CREATE TABLE fills (
        fill_id       bigint PRIMARY KEY,
        order_id      bigint NOT NULL,
        account_id    int NOT NULL,
        instrument_id int NOT NULL,
        side          char(1) NOT NULL,
        qty           numeric(38,18) NOT NULL,
        price         numeric(38,18) NOT NULL,
        notional      numeric(38,18) NOT NULL,
        fee           numeric NOT NULL,
        venue         text NOT NULL,
        trader        text NOT NULL,
        executed_at   timestamptz NOT NULL,
        trade_date    date NOT NULL,
        settled_at    timestamp,
        note          text
      )""";

  /**
   * Seeds fills 1..n in one statement; {@code %s} is n. Fees cycle through a 60+ digit value, a
   * 1e-40-scale value, a negative rebate, a value with trailing zeros and a plain division.
   */
  private static final String SEED_FILLS =
      """
      INSERT INTO fills
      SELECT g,
             1000000 + g / 3,
             g %% 200 + 1,
             g %% 120 + 1,
             CASE WHEN g %% 2 = 0 THEN 'B' ELSE 'S' END,
             q.qty,
             q.price,
             round(q.qty * q.price, 18),
             CASE g %% 50
               WHEN 0 THEN 1234567890123456789012345678901234.12345678901234567890123456789 + g
               WHEN 1 THEN g * 0.0000000000000000000000000000000000000001
               WHEN 2 THEN -(g %% 997) / 7.0
               WHEN 3 THEN 1.500000000000
               ELSE (g %% 1000)::numeric / 3
             END,
             (ARRAY[%s])[g %% 6 + 1],
             (ARRAY[%s])[g %% 7 + 1],
             timestamptz '2024-01-02 14:30:00+00' + g * interval '1 second'
               + (g * 7919 %% 1000000) * interval '1 microsecond',
             date '2024-01-02' + (g / 86400)::int,
             CASE WHEN g %% 4 = 0 THEN NULL
                  ELSE timestamp '2024-01-04 09:00:00' + g * interval '1 second'
                       + (g * 104729 %% 1000000) * interval '1 microsecond' END,
             CASE g %% 3
               WHEN 0 THEN NULL
               WHEN 1 THEN 'fill ' || g
               ELSE E'multi\\nline\\t"quoted" \\\\ back''slash #' || g
             END
      FROM generate_series(1::bigint, %d) AS g,
           LATERAL (SELECT round(((g %% 997) + 1)::numeric / 7, 18) AS qty,
                           round(100 + (g %% 5000)::numeric / 13, 18) AS price) AS q
      """;

  private static final Map<String, ReferenceTable> REFERENCE_TABLES =
      ReferenceCatalog.TABLES.stream()
          .collect(Collectors.toUnmodifiableMap(ReferenceTable::name, Function.identity()));

  private TradingSchema() {}

  /**
   * Creates and seeds {@code fills} with {@code fillsRows} rows and every reference table, in one
   * transaction; restores the connection's auto-commit setting afterwards.
   *
   * @throws SQLException if a table already exists, among others
   */
  public static void create(Connection source, int fillsRows) throws SQLException {
    if (fillsRows < 0) {
      throw new IllegalArgumentException("fillsRows must be >= 0, was " + fillsRows);
    }
    boolean autoCommit = source.getAutoCommit();
    source.setAutoCommit(false);
    try (Statement statement = source.createStatement()) {
      statement.execute(CREATE_FILLS);
      statement.execute(SEED_FILLS.formatted(sqlArray(VENUES), sqlArray(TRADERS), fillsRows));
      for (ReferenceTable table : ReferenceCatalog.TABLES) {
        statement.execute(table.createSql());
        statement.execute(table.seedSql());
      }
      source.commit();
    } catch (SQLException | RuntimeException e) {
      source.rollback();
      throw e;
    } finally {
      source.setAutoCommit(autoCommit);
    }
  }

  /** The 32 reference table names, {@code ref_*} first, in creation order. */
  public static List<String> referenceTables() {
    return ReferenceCatalog.TABLES.stream().map(ReferenceTable::name).toList();
  }

  /** {@code fills} followed by every reference table. */
  public static List<String> allTables() {
    return Stream.concat(Stream.of(FILLS), referenceTables().stream()).toList();
  }

  /** The primary-key columns of {@code table} (one of {@link #allTables()}), in key order. */
  public static List<String> primaryKey(String table) {
    return FILLS.equals(table) ? FILLS_PRIMARY_KEY : reference(table).keyColumnNames();
  }

  /** The columns of {@code table} (one of {@link #allTables()}), in table order. */
  public static List<String> columns(String table) {
    return FILLS.equals(table) ? FILLS_COLUMNS : reference(table).columnNames();
  }

  private static ReferenceTable reference(String table) {
    ReferenceTable reference = REFERENCE_TABLES.get(table);
    if (reference == null) {
      throw new IllegalArgumentException(
          "'" + table + "' is not a trading-schema table; expected one of " + allTables());
    }
    return reference;
  }

  private static String sqlArray(String[] values) {
    return Stream.of(values)
        .map(value -> "'" + value.replace("'", "''") + "'")
        .collect(Collectors.joining(","));
  }
}
