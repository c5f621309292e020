package io.sluice.embedded.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import io.sluice.embedded.verify.TableComparison;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class TradingWorkloadIT {

  private TestIsolation isolation;

  @BeforeEach
  void isolate(TestInfo test) {
    isolation = TestIsolation.create(test.getTestMethod().orElseThrow().getName());
  }

  @AfterEach
  void dropDatabases() {
    isolation.close();
  }

  @Test
  void schemaHasFillsAndThirtyTwoReferenceTables() throws SQLException {
    try (Connection source = isolation.connectSource()) {
      TradingSchema.create(source, 5_000);

      assertThat(TradingSchema.referenceTables()).hasSize(32).doesNotHaveDuplicates();
      assertThat(TradingSchema.referenceTables())
          .allMatch(
              table ->
                  table.startsWith(TradingSchema.REF_PREFIX)
                      || table.startsWith(TradingSchema.CFG_PREFIX));
      assertThat(queryLong(source, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
          .isEqualTo(33);
      assertThat(queryLong(source, "SELECT count(*) FROM fills")).isEqualTo(5_000);
      for (String table : TradingSchema.referenceTables()) {
        assertThat(queryLong(source, "SELECT count(*) FROM " + table))
            .as(table)
            .isBetween(20L, 200L);
        ComparedTable described = ComparedTable.fromCatalog(source, "public", table);
        assertThat(described.primaryKey()).isEqualTo(TradingSchema.primaryKey(table));
        assertThat(described.columns()).isEqualTo(TradingSchema.columns(table));
      }
      assertThat(TradingSchema.primaryKey("ref_fx_rate")).hasSize(3);
      assertThat(ComparedTable.fromCatalog(source, "public", "fills").columns())
          .isEqualTo(TradingSchema.FILLS_COLUMNS);

      BigDecimal hugeFee = queryDecimal(source, "SELECT fee FROM fills WHERE fill_id = 50");
      assertThat(hugeFee.precision()).isGreaterThanOrEqualTo(60);
      assertThat(queryLong(source, "SELECT count(DISTINCT trader) FROM fills")).isEqualTo(7);
      assertThat(queryLong(source, "SELECT count(*) FROM fills WHERE trader = '王小明'")).isPositive();
      assertThat(
              queryLong(
                  source,
                  "SELECT count(*) FROM fills WHERE extract(microseconds FROM executed_at)::bigint"
                      + " % 1000000 <> 0"))
          .isPositive();
    }
  }

  @Test
  void changeGeneratorCommitsAMixOfChanges() throws SQLException {
    try (Connection source = isolation.connectSource()) {
      TradingSchema.create(source, 1_000);
      long fillsBefore = queryLong(source, "SELECT count(*) FROM fills");

      ChangeGenerator generator = ChangeGenerator.start(isolation.sourceJdbcUrl(), 1_000, 7);
      try (generator) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> generator.committedChanges() > 300 || !generator.isRunning());
        assertThat(generator.isRunning()).isTrue();
      }

      assertThat(generator.failure()).isEmpty();
      assertThat(generator.failedTransactions()).isZero();
      assertThat(generator.isRunning()).isFalse();
      assertThat(queryLong(source, "SELECT count(*) FROM fills")).isGreaterThan(fillsBefore);
      // Cumulative statistics reach pg_stat_user_tables asynchronously.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(stat(source, "n_tup_upd", "relname = 'fills'")).isPositive();
                assertThat(stat(source, "n_tup_del", "relname = 'fills'")).isPositive();
                assertThat(
                        stat(
                            source,
                            "n_tup_ins + n_tup_upd + n_tup_del",
                            "relname LIKE 'ref\\_%' OR relname LIKE 'cfg\\_%'"))
                    .isPositive();
              });
    }
  }

  @Test
  void comparatorSeesEqualCopiesAndEveryKindOfDifference(TestInfo test) throws SQLException {
    try (TestIsolation copy = TestIsolation.create(test.getDisplayName() + " copy");
        Connection original = isolation.connectSource();
        Connection replica = copy.connectSource()) {
      TradingSchema.create(original, 2_000);
      TradingSchema.create(replica, 2_000);
      execute(replica, "ALTER TABLE fills ADD COLUMN _sluice_lsn bigint");
      execute(replica, "UPDATE fills SET _sluice_lsn = fill_id * 16");
      List<ComparedTable> tables = new ArrayList<>();
      for (String table : TradingSchema.allTables()) {
        tables.add(ComparedTable.fromCatalog(original, "public", table));
      }
      TableComparator comparator = new TableComparator(original, replica);

      assertThat(comparator.compare(tables)).hasSize(33).allMatch(TableComparison::matches);

      execute(
          replica, "UPDATE fills SET price = price + 0.000000000000000001 WHERE fill_id = 1234");
      execute(replica, "UPDATE fills SET fee = 1.50 WHERE fee = 1.500000000000 AND fill_id = 53");
      execute(replica, "DELETE FROM ref_fx_rate WHERE base_ccy = 'EUR' AND quote_ccy = 'GBP'");
      List<TableComparison> after = comparator.compare(tables);

      TableComparison fills = comparison(after, "fills");
      assertThat(fills.matches()).isFalse();
      assertThat(fills.targetRows()).isEqualTo(fills.sourceRows());
      assertThat(fills.targetHash()).isNotEqualTo(fills.sourceHash());
      TableComparison fxRates = comparison(after, "ref_fx_rate");
      assertThat(fxRates.matches()).isFalse();
      assertThat(fxRates.targetRows()).isLessThan(fxRates.sourceRows());
      assertThat(after).filteredOn(TableComparison::matches).hasSize(31);

      execute(
          replica, "UPDATE fills SET price = price - 0.000000000000000001 WHERE fill_id = 1234");
      assertThat(comparator.compare(tables.get(0)).matches())
          .as("only the fee's scale still differs: 1.50 vs 1.500000000000")
          .isFalse();
      execute(replica, "UPDATE fills SET fee = 1.500000000000 WHERE fill_id = 53");
      assertThat(comparator.compare(tables.get(0)).matches()).isTrue();
    }
  }

  private static long stat(Connection connection, String expression, String where)
      throws SQLException {
    return queryLong(
        connection,
        "SELECT coalesce(sum(" + expression + "), 0) FROM pg_stat_user_tables WHERE " + where);
  }

  private static TableComparison comparison(List<TableComparison> comparisons, String table) {
    return comparisons.stream()
        .filter(comparison -> comparison.table().table().equals(table))
        .findFirst()
        .orElseThrow();
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static long queryLong(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return result.next() ? result.getLong(1) : 0;
    }
  }

  private static BigDecimal queryDecimal(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getBigDecimal(1);
    }
  }
}
