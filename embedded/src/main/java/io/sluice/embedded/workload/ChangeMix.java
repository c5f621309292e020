package io.sluice.embedded.workload;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

/**
 * Picks and runs one change of the trading workload at a time: 60% inserts into {@code fills}, 20%
 * updates of a fill's price, quantity, notional and note, 5% fill deletes, and 15% inserts, updates
 * or deletes on a random reference table. All choices and values come from one seeded {@link
 * Random}, so a given seed replays the same statements. Not thread-safe.
 */
final class ChangeMix {

  private static final BigDecimal HUGE_FEE =
      new BigDecimal("1234567890123456789012345678901234.12345678901234567890123456789");
  private static final OffsetDateTime EXECUTION_BASE =
      OffsetDateTime.of(2024, 6, 3, 13, 30, 0, 0, ZoneOffset.UTC);
  private static final String[] NOTES = {
    null,
    "amended",
    "Überprüft — ok",
    "line one\nline two",
    "tab\there \"quoted\" \\ back'slash",
    "🚀"
  };

  private static final String INSERT_FILL =
      "INSERT INTO fills (fill_id, order_id, account_id, instrument_id, side, qty, price, notional,"
          + " fee, venue, trader, executed_at, trade_date, settled_at, note)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_FILL =
      "UPDATE fills SET qty = ?, price = ?, notional = ?, note = ? WHERE fill_id = ?";
  private static final String DELETE_FILL = "DELETE FROM fills WHERE fill_id = ?";

  private final Random random;
  private final List<ReferenceTable> referenceTables = ReferenceCatalog.TABLES;
  private long nextFillId;

  /**
   * @param nextFillId the first unused {@code fill_id}; inserts count up from it
   */
  ChangeMix(long seed, long nextFillId) {
    this.random = new Random(seed);
    this.nextFillId = nextFillId;
  }

  /** A transaction's size: 1 to 10 statements. */
  int nextTransactionSize() {
    return 1 + random.nextInt(10);
  }

  /** Runs one change in the connection's current transaction; returns the rows it changed. */
  int applyOne(Connection connection) throws SQLException {
    int dice = random.nextInt(100);
    if (dice < 60 || nextFillId <= 1) {
      return insertFill(connection);
    } else if (dice < 80) {
      return updateFill(connection);
    } else if (dice < 85) {
      return deleteFill(connection);
    }
    return changeReference(connection);
  }

  private int insertFill(Connection connection) throws SQLException {
    long id = nextFillId++;
    BigDecimal qty = decimal(1_000_000_000L, 6 + random.nextInt(13));
    BigDecimal price = decimal(100_000_000_000L, 6 + random.nextInt(7));
    BigDecimal notional = qty.multiply(price).setScale(18, RoundingMode.HALF_UP);
    OffsetDateTime executedAt = EXECUTION_BASE.plusNanos(id * 1_234_567_000L);
    try (PreparedStatement insert = connection.prepareStatement(INSERT_FILL)) {
      insert.setLong(1, id);
      insert.setLong(2, 2_000_000 + id / 3);
      insert.setInt(3, 1 + random.nextInt(200));
      insert.setInt(4, 1 + random.nextInt(120));
      insert.setString(5, random.nextBoolean() ? "B" : "S");
      insert.setBigDecimal(6, qty);
      insert.setBigDecimal(7, price);
      insert.setBigDecimal(8, notional);
      insert.setBigDecimal(9, fee(notional));
      insert.setString(10, TradingSchema.VENUES[random.nextInt(TradingSchema.VENUES.length)]);
      insert.setString(11, TradingSchema.TRADERS[random.nextInt(TradingSchema.TRADERS.length)]);
      insert.setObject(12, executedAt);
      insert.setObject(13, executedAt.toLocalDate());
      if (random.nextInt(4) == 0) {
        insert.setNull(14, Types.TIMESTAMP);
      } else {
        LocalDateTime settledAt =
            executedAt.toLocalDateTime().plusDays(2).plusNanos(1_000L * random.nextInt(1_000_000));
        insert.setObject(14, settledAt);
      }
      insert.setString(15, NOTES[random.nextInt(NOTES.length)]);
      return insert.executeUpdate();
    }
  }

  private int updateFill(Connection connection) throws SQLException {
    BigDecimal qty = decimal(1_000_000_000L, 6 + random.nextInt(13));
    BigDecimal price = decimal(100_000_000_000L, 6 + random.nextInt(7));
    try (PreparedStatement update = connection.prepareStatement(UPDATE_FILL)) {
      update.setBigDecimal(1, qty);
      update.setBigDecimal(2, price);
      update.setBigDecimal(3, qty.multiply(price).setScale(18, RoundingMode.HALF_UP));
      update.setString(4, NOTES[random.nextInt(NOTES.length)]);
      update.setLong(5, existingFillId());
      return update.executeUpdate();
    }
  }

  private int deleteFill(Connection connection) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(DELETE_FILL)) {
      delete.setLong(1, existingFillId());
      return delete.executeUpdate();
    }
  }

  /** Update 60%, insert 25%, delete 15%, on keys 1..2*rows so inserts find free keys. */
  private int changeReference(Connection connection) throws SQLException {
    ReferenceTable table = referenceTables.get(random.nextInt(referenceTables.size()));
    int key = 1 + random.nextInt(2 * table.rows());
    int variant = 1 + random.nextInt(1_000_000);
    int dice = random.nextInt(100);
    String sql = dice < 60 ? table.updateSql() : dice < 85 ? table.insertSql() : table.deleteSql();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, key);
      if (dice < 85) {
        statement.setInt(2, variant);
      }
      return statement.executeUpdate();
    }
  }

  /** An id below the next insert; it may have been deleted, then the statement changes nothing. */
  private long existingFillId() {
    return 1 + random.nextLong(nextFillId - 1);
  }

  /**
   * A positive decimal below {@code unscaledBound * 10^-scale}, with exactly {@code scale} digits.
   */
  private BigDecimal decimal(long unscaledBound, int scale) {
    return BigDecimal.valueOf(1 + random.nextLong(unscaledBound - 1), scale);
  }

  /** Exact NUMERIC edge cases: 63 digits, scale 42, negative rebates, trailing zeros. */
  private BigDecimal fee(BigDecimal notional) {
    return switch (random.nextInt(10)) {
      case 0 -> HUGE_FEE.add(BigDecimal.valueOf(random.nextInt(1000)));
      case 1 -> BigDecimal.valueOf(1 + random.nextInt(999), 42);
      case 2 -> notional.multiply(new BigDecimal("-0.0001"));
      case 3 -> new BigDecimal("0.2500000000");
      default -> notional.multiply(new BigDecimal("0.00025"));
    };
  }
}
