package io.sluice.embedded.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.embedded.bench.BenchWorkload.Shape;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class BenchWorkloadTest {
  private static final String URL = "jdbc:postgresql://127.0.0.1:1/none";

  @Test
  void multipliersShareNoFactorWithTheSliceSoKeysArePermuted() {
    for (long m : new long[] {500_000, 5_000, 1_000, 500, 333, 125, 2}) {
      long a = BenchWorkload.coprime(m, 48_271);
      assertThat(a).isGreaterThanOrEqualTo(48_271);
      assertThat(BigInteger.valueOf(a).gcd(BigInteger.valueOf(m))).isEqualTo(BigInteger.ONE);
    }
    assertThat(BenchWorkload.coprime(10, 4)).isEqualTo(7);
  }

  @Test
  void rowsRoundUpToWholeTransactionsOfEverySession() {
    BenchWorkload w = new BenchWorkload(URL, 1_000_000, 3);
    assertThat(w.roundedRows(Shape.SINGLE_ROW, 200_000)).isEqualTo(200_001);
    assertThat(w.roundedRows(Shape.HUNDRED_ROW, 2_000_000)).isEqualTo(2_000_100);
    assertThat(w.roundedRows(Shape.HUNDRED_ROW, 1)).isEqualTo(300);
  }

  @Test
  void refusesSlicesTooSmallForDistinctKeysInA100RowTransaction() {
    assertThatThrownBy(() -> new BenchWorkload(URL, 200, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("largeRows must exceed 200");
    assertThatThrownBy(() -> new BenchWorkload(URL, 1_000_000, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sessions must be 1 to 8");
  }

  @Test
  void procedureCarriesTheFillRowOfTheSeed() {
    String sql = WorkloadProcedure.sql();
    assertThat(sql).doesNotContain("{FILL_ROW}", "{FILL_LATERAL}").contains(BenchSchema.FILL_ROW);
  }
}
