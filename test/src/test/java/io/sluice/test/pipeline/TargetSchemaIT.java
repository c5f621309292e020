package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.apply.TargetSchema;
import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.test.embedded.TestIsolation;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Target tables are created with the source's exact types, and unusable ones are refused. */
class TargetSchemaIT {
  private static final TableSchema TRADES =
      new TableSchema(
          new TableId("desk", "trades"),
          List.of(
              new ColumnSchema("id", "bigint", false),
              new ColumnSchema("px", "numeric(38,18)", false),
              new ColumnSchema("fee", "numeric", true),
              new ColumnSchema("at", "timestamp(6) with time zone", true)),
          List.of("id"));

  @Test
  void createsMissingTablesWithExactTypesAndIsIdempotent() throws Exception {
    try (TestIsolation slice = TestIsolation.create("target schema create");
        Connection target = slice.connectTarget()) {
      TargetSchema.ensure(target, List.of(TRADES));
      TargetSchema.ensure(target, List.of(TRADES));

      assertThat(
              rows(
                  target,
                  "pg_attribute a WHERE a.attrelid = 'desk.trades'::regclass AND a.attnum > 0",
                  "a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull",
                  "a.attnum"))
          .containsExactly(
              "(id,bigint,t)",
              "(px,\"numeric(38,18)\",t)",
              "(fee,numeric,f)",
              "(at,\"timestamp(6) with time zone\",f)",
              "(_sluice_lsn,bigint,t)");
      assertThat(
              rows(
                  target,
                  "pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                      + " AND a.attnum = ANY (i.indkey) WHERE i.indisprimary"
                      + " AND i.indrelid = 'desk.trades'::regclass",
                  "a.attname",
                  "1"))
          .containsExactly("(id)");
    }
  }

  @Test
  void refusesAnExistingTableWithoutThePositionColumn() throws Exception {
    try (TestIsolation slice = TestIsolation.create("target schema refuse");
        Connection target = slice.connectTarget()) {
      exec(
          target,
          "CREATE SCHEMA desk",
          "CREATE TABLE desk.trades (id bigint PRIMARY KEY, px numeric(38,18), fee numeric,"
              + " at timestamptz)");

      assertThatThrownBy(() -> TargetSchema.ensure(target, List.of(TRADES)))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("target table desk.trades exists but has no _sluice_lsn column")
          .hasMessageContaining("ALTER TABLE \"desk\".\"trades\" ADD COLUMN _sluice_lsn");
      assertThat(rows(target, "pg_namespace", "nspname", "1").toString())
          .as("nothing of the failed attempt is left behind")
          .doesNotContain("_sluice");
    }
  }
}
