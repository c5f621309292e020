package io.sluice.capture.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatermarkSqlTest {
  private static TableSchema fills(String watermarkType, boolean nullable) {
    return new TableSchema(
        new TableId("dw", "Fills"),
        List.of(
            new ColumnSchema("id", "bigint", false),
            new ColumnSchema("px", "numeric(38,18)", true),
            new ColumnSchema("updated at", watermarkType, nullable),
            ColumnSchema.generated("notional", "numeric", true, "px * 2", 4)),
        List.of("id"));
  }

  @ParameterizedTest
  @CsvSource({
    "timestamp with time zone, TIME",
    "timestamp(3) without time zone, TIME",
    "date, TIME",
    "bigint, NUMBER",
    "integer, NUMBER",
    "'numeric(20,0)', NUMBER"
  })
  void watermarkKindsFollowTheColumnType(String type, WatermarkSql.Kind kind) {
    assertThat(WatermarkSql.kindOf(type)).contains(kind);
  }

  @Test
  void refusesColumnsNoWatermarkCanBeNamingTableAndColumn() {
    assertThat(WatermarkSql.kindOf("text")).isEmpty();
    assertThat(WatermarkSql.kindOf("uuid")).isEmpty();
    assertThatThrownBy(() -> WatermarkSql.of(fills("text", false), "updated at"))
        .hasMessageContaining("dw.Fills")
        .hasMessageContaining("has type text");
    assertThatThrownBy(() -> WatermarkSql.of(fills("date", false), "changed"))
        .hasMessageContaining("watermark column changed of dw.Fills does not exist");
  }

  @Test
  void timeWatermarksReadPastTheLookBackAndCapTheNewWatermarkAtTheSourceClock() {
    WatermarkSql sql = WatermarkSql.of(fills("timestamp with time zone", true), "updated at");

    assertThat(sql.rowsSince())
        .isEqualTo(
            "SELECT \"id\"::text, \"px\"::text, \"updated at\"::text FROM \"dw\".\"Fills\""
                + " WHERE \"updated at\" >= (CAST(? AS timestamp with time zone)"
                + " - CAST(? AS interval))");
    assertThat(sql.highSince())
        .isEqualTo(
            "SELECT greatest(CAST(? AS timestamp with time zone), least(max(\"updated at\"),"
                + " now()))::text FROM \"dw\".\"Fills\" WHERE \"updated at\" >= (CAST(? AS"
                + " timestamp with time zone) - CAST(? AS interval))");
    assertThat(sql.highOfAll())
        .isEqualTo("SELECT (least(max(\"updated at\"), now()))::text FROM \"dw\".\"Fills\"");
    assertThat(sql.lookbackParameter(Duration.ofMinutes(5), 7)).isEqualTo("300000000 microseconds");
    assertThat(sql.nullable()).isTrue();
  }

  @Test
  void localTimesAndDatesAreCappedAtTheirOwnClock() {
    assertThat(
            WatermarkSql.of(fills("timestamp without time zone", false), "updated at").highOfAll())
        .contains("least(max(\"updated at\"), LOCALTIMESTAMP)");
    assertThat(WatermarkSql.of(fills("date", false), "updated at").highOfAll())
        .contains("least(max(\"updated at\"), CURRENT_DATE)");
  }

  @Test
  void numericWatermarksLookBackByIdsAndAreNotCapped() {
    WatermarkSql sql = WatermarkSql.of(fills("bigint", false), "updated at");

    assertThat(sql.rowsSince()).endsWith("WHERE \"updated at\" >= (CAST(? AS numeric) - ?)");
    assertThat(sql.highOfAll())
        .isEqualTo("SELECT (max(\"updated at\"))::text FROM \"dw\".\"Fills\"");
    assertThat(sql.lookbackParameter(Duration.ofMinutes(5), 7)).isEqualTo(7L);
  }
}
