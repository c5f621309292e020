package io.sluice.embedded.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tables of the apply benchmark, in schema {@code public}: the large {@code fills} table in the
 * shape of the calibration in {@code reference/performance.md} (bigint key, two {@code
 * timestamptz}, a date, an int, six text and four {@code NUMERIC(38,18)} columns, about 170 bytes a
 * row) and three small tables: {@code accounts} (2,000 rows), {@code instruments} (1,000) and
 * {@code positions} (10,000, composite key).
 *
 * <p>Every row is a pure function of its key number, so the same seed SQL fills the source and a
 * native-replication target identically without a copy. Autovacuum is off on these tables: the
 * benchmark vacuums them itself between phases, so a vacuum never lands inside one contender's
 * drain and not the other's.
 */
public final class BenchSchema {
  public static final String SCHEMA = "public";
  public static final String LARGE_TABLE = "fills";
  public static final List<String> SMALL_TABLES = List.of("accounts", "instruments", "positions");

  static final int ACCOUNTS = 2_000;
  static final int INSTRUMENTS = 1_000;
  static final int POSITION_ACCOUNTS = 100;
  static final int POSITIONS = POSITION_ACCOUNTS * 100;

  /** {@code fills} with its primary key and autovacuum off; {@link LoadSchema} creates it too. */
  static final String CREATE_FILLS =
      """
      CREATE TABLE fills (
        fill_id     bigint PRIMARY KEY,
        executed_at timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL,
        trade_date  date NOT NULL,
        account_id  int NOT NULL,
        symbol      text NOT NULL,
        venue       text NOT NULL,
        side        text NOT NULL,
        trader      text NOT NULL,
        order_ref   text NOT NULL,
        note        text,
        qty         numeric(38,18) NOT NULL,
        price       numeric(38,18) NOT NULL,
        notional    numeric(38,18) NOT NULL,
        fee         numeric(38,18) NOT NULL
      ) WITH (autovacuum_enabled = false)""";

  private static final List<String> CREATE_SMALL =
      List.of(
          """
          CREATE TABLE accounts (account_id int PRIMARY KEY, name text NOT NULL,
            status text NOT NULL, balance numeric(38,18) NOT NULL, updated_at timestamptz NOT NULL)
            WITH (autovacuum_enabled = false)""",
          """
          CREATE TABLE instruments (instrument_id int PRIMARY KEY, symbol text NOT NULL,
            last_price numeric(38,18) NOT NULL, updated_at timestamptz NOT NULL)
            WITH (autovacuum_enabled = false)""",
          """
          CREATE TABLE positions (account_id int NOT NULL, instrument_id int NOT NULL,
            qty numeric(38,18) NOT NULL, avg_price numeric(38,18) NOT NULL,
            updated_at timestamptz NOT NULL, PRIMARY KEY (account_id, instrument_id))
            WITH (autovacuum_enabled = false)""");

  private static final List<String> SEED_SMALL =
      List.of(
          "INSERT INTO accounts SELECT k, 'account ' || k, 'open', round(k::numeric * 1000 / 7,"
              + " 18), timestamptz '2024-01-01 00:00:00+00' + k * interval '1 second'"
              + " FROM generate_series(1, "
              + ACCOUNTS
              + ") k",
          "INSERT INTO instruments SELECT k, 'SYM' || k, round(100 + k::numeric / 13, 18),"
              + " timestamptz '2024-01-01 00:00:00+00' + k * interval '1 second'"
              + " FROM generate_series(1, "
              + INSTRUMENTS
              + ") k",
          "INSERT INTO positions SELECT p / 100 + 1, p % 100 + 1, p % 500, round(100 +"
              + " p::numeric / 17, 18), timestamptz '2024-01-01 00:00:00+00' + p * interval '1"
              + " second' FROM generate_series(0, "
              + (POSITIONS - 1)
              + ") p");

  private BenchSchema() {}

  /** The large table first, then the small ones. */
  public static List<String> tables() {
    return Stream.concat(Stream.of(LARGE_TABLE), SMALL_TABLES.stream()).toList();
  }

  /**
   * Creates every table and seeds {@code fills} with keys {@code 1..largeRows}, in one transaction,
   * then freezes and analyzes them. The connection must be in auto-commit mode.
   */
  public static void create(Connection c, long largeRows) throws SQLException {
    if (largeRows < 1) {
      throw new IllegalArgumentException("largeRows must be positive, was " + largeRows);
    }
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute(CREATE_FILLS);
      st.execute(
          "INSERT INTO fills SELECT "
              + FILL_ROW
              + " FROM generate_series(1::bigint, "
              + largeRows
              + ") g, "
              + FILL_LATERAL);
      for (String sql : CREATE_SMALL) {
        st.execute(sql);
      }
      for (String sql : SEED_SMALL) {
        st.execute(sql);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
    vacuum(c, true);
  }

  /** {@code VACUUM (ANALYZE)} of every benchmark table, with {@code FREEZE} if asked. */
  public static void vacuum(Connection c, boolean freeze) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String t : tables()) {
        st.execute("VACUUM (" + (freeze ? "FREEZE, " : "") + "ANALYZE) " + t);
      }
    }
  }

  private static final String FILL_ROW_BEFORE_NOTE =
      """
      g,
      timestamptz '2024-01-02 00:00:00+00' + g * interval '37 millisecond'
        + (g * 7919 % 1000) * interval '1 microsecond',
      timestamptz '2024-01-02 00:00:00+00' + g * interval '41 millisecond',
      date '2024-01-02' + (g / 100000)::int,
      (g % 2000 + 1)::int,
      'SYM' || (g % 1000),
      (ARRAY['XNYS','XNAS','BATS','ARCX','IEXG','EDGX'])[g % 6 + 1],
      CASE WHEN g % 2 = 0 THEN 'buy' ELSE 'sell' END,
      'trader-' || (g % 97),
      'ord-' || to_hex(g * 2654435761 % 4294967296),
      """;

  private static final String FILL_ROW_AFTER_NOTE =
      "v.qty, v.price, round(v.qty * v.price, 18), round((g % 1000)::numeric / 3, 18)";

  /**
   * The select list of one {@code fills} row whose key is the bigint column {@code g} of the FROM
   * clause, which must also hold {@link #FILL_LATERAL}.
   */
  static final String FILL_ROW = fillRow("CASE WHEN g % 3 = 0 THEN NULL ELSE 'fill ' || g END");

  /** {@link #FILL_ROW} with another expression of {@code g} for the {@code note} column. */
  static String fillRow(String note) {
    return FILL_ROW_BEFORE_NOTE + note + ",\n" + FILL_ROW_AFTER_NOTE;
  }

  /** The lateral subquery {@link #FILL_ROW} draws quantity and price from. */
  static final String FILL_LATERAL =
      "LATERAL (SELECT round(((g % 997) + 1)::numeric / 7, 18) AS qty,"
          + " round(100 + (g % 5000)::numeric / 13, 18) AS price) v";
}
