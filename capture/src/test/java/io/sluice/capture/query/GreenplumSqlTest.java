package io.sluice.capture.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GreenplumSqlTest {
  @Test
  void greenplumIsToldByItsVersionTextNotByItsPostgresVersion() {
    assertThat(
            GreenplumSql.isGreenplumVersion(
                "PostgreSQL 12.12 (Greenplum Database 7.0.0 build commit:0a7a3566873325aca1789ae6f818c80f17a9402d)"
                    + " on x86_64-pc-linux-gnu, compiled by gcc (GCC) 8.5.0, 64-bit"))
        .isTrue();
    assertThat(
            GreenplumSql.isGreenplumVersion(
                "PostgreSQL 12.12 on x86_64-pc-linux-gnu, compiled by gcc (GCC) 8.5.0, 64-bit"))
        .isFalse();
  }

  @Test
  void aCompositeKeyIsChunkedByItsIntegerColumnOfTheDistributionKey() {
    assertThat(GreenplumSql.chunkColumn(List.of("book_id", "fill_id"), List.of("fill_id")))
        .contains("fill_id");
    assertThat(GreenplumSql.chunkColumn(List.of("book_id", "fill_id"), List.of("region")))
        .as("no integer key column is distributed: the first integer key column")
        .contains("book_id");
    assertThat(GreenplumSql.chunkColumn(List.of(), List.of("region"))).isEmpty();
  }

  @Test
  void theDistributionKeyIsReadFromTheCatalogInKeyOrder() {
    assertThat(GreenplumSql.DISTRIBUTION_KEY)
        .contains("FROM gp_distribution_policy p")
        .contains("unnest(p.distkey::int2[]) WITH ORDINALITY")
        .contains("WHERE p.localoid = CAST(? AS regclass) ORDER BY k.n");
  }
}
