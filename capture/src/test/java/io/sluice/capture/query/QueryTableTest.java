package io.sluice.capture.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.QueryMode;
import io.sluice.core.config.QueryTables;
import io.sluice.core.config.TablePattern;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueryTableTest {
  private static final TableSchema QUOTES =
      new TableSchema(
          new TableId("public", "quotes"),
          List.of(
              new ColumnSchema("id", "bigint", false), new ColumnSchema("load_id", "bigint", true)),
          List.of("id"));

  private static GroupConfig group(QueryTables query) {
    GroupConfig g = new GroupConfig("dw", List.of(new TablePattern("quotes")), 1);
    return new GroupConfig(
        g.name(),
        g.tables(),
        g.partitions(),
        g.truncate(),
        g.onBadData(),
        g.keyColumns(),
        g.excludeColumns(),
        g.alertLag(),
        g.alertPaused(),
        g.verifyInterval(),
        query);
  }

  @Test
  void aTableInNeitherMapIsDiffedAndOneUnderWatermarkIsPolledAndDiffed() {
    QueryTable diff = QueryTable.of(QUOTES, group(QueryTables.NONE));
    assertThat(diff.mode()).isEqualTo(QueryMode.DIFF);
    assertThat(diff.watermark()).isEmpty();
    assertThat(diff.diffed()).isTrue();
    assertThat(diff.modeName()).isEqualTo("diff");

    QueryTable polled =
        QueryTable.of(
            QUOTES,
            group(new QueryTables(Map.of("public.quotes", "load_id"), Map.of(), Optional.empty())));
    assertThat(polled.mode()).isEqualTo(QueryMode.WATERMARK);
    assertThat(polled.columnName()).isEqualTo("load_id");
    assertThat(polled.diffed()).isTrue();
  }

  @Test
  void appendOnlyNeedsANotNullWatermarkAndEveryModeAKey() {
    assertThatThrownBy(
            () ->
                QueryTable.of(
                    QUOTES,
                    group(
                        new QueryTables(
                            Map.of(), Map.of("public.quotes", "load_id"), Optional.empty()))))
        .hasMessageContaining("append-only table public.quotes has a nullable watermark column");
    TableSchema keyless = new TableSchema(QUOTES.id(), QUOTES.columns(), List.of());
    assertThatThrownBy(() -> QueryTable.of(keyless, group(QueryTables.NONE)))
        .hasMessageContaining("table public.quotes has no key");
  }
}
