package io.sluice.embedded.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadSchemaTest {
  @Test
  void smallTablesSpreadFromTheLargestToTheSmallestAtAConstantRatio() {
    List<Long> rows = LoadSchema.smallTableRows(40);
    assertThat(rows).hasSize(40).first().isEqualTo(200_000L);
    assertThat(rows.get(39)).isEqualTo(50L);
    for (int i = 1; i < rows.size(); i++) {
      assertThat(rows.get(i)).isLessThan(rows.get(i - 1));
      double ratio = (double) rows.get(i - 1) / rows.get(i);
      assertThat(ratio).isBetween(1.20, 1.28);
    }
    assertThat(rows.stream().mapToLong(Long::longValue).sum()).isEqualTo(1_043_767L);
  }

  @Test
  void theSpreadIsTheSameOnEveryCall() {
    assertThat(LoadSchema.smallTableRows(40)).isEqualTo(LoadSchema.smallTableRows(40));
    assertThat(LoadSchema.smallTableRows(5)).containsExactly(200_000L, 25_149L, 3_162L, 398L, 50L);
    assertThat(LoadSchema.smallTableRows(1)).containsExactly(50L);
  }

  @Test
  void fillsComesFirstAndOneSmallTableHasACompositeKey() {
    LoadSchema schema = new LoadSchema(20_000, 5);
    List<LoadTable> tables = schema.tables();
    assertThat(tables)
        .extracting(LoadTable::name)
        .containsExactly("fills", "small_01", "small_02", "small_03", "small_04", "small_05");
    assertThat(tables.get(0).primaryKey()).containsExactly("fill_id");
    assertThat(tables.get(0).columns()).hasSize(15).contains("note");
    assertThat(tables)
        .filteredOn(t -> t.primaryKey().size() > 1)
        .extracting(LoadTable::name)
        .containsExactly("small_03");
    assertThat(schema.totalRows()).isEqualTo(20_000L + 228_759L);
  }

  @Test
  void fillsIsSeededInChunksThatShareTheRowExpressionOfTheApplyBenchmark() {
    String seed = LoadSchema.fillsSeed(1_000_001, 2_000_000);
    assertThat(seed)
        .startsWith("INSERT INTO fills SELECT g,")
        .contains("FROM generate_series(1000001::bigint, 2000000) g, LATERAL")
        .contains("CASE WHEN g % 500 = 250 THEN (SELECT string_agg(md5(");
  }

  @Test
  void refusesEmptySizes() {
    assertThatThrownBy(() -> new LoadSchema(0, 40)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LoadSchema(1_000, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
