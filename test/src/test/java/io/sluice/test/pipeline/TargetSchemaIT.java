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
import io.sluice.core.schema.UserType;
import io.sluice.embedded.TestIsolation;
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

  private static final UserType MOOD =
      UserType.enumOf("desk", "Mood", List.of("calm", "it's", "wild"));
  private static final UserType PRICE =
      UserType.domainOf(
          "desk",
          "price",
          "numeric(12,2)",
          false,
          "1.00",
          List.of("CHECK ((VALUE > (0)::numeric))"));
  private static final UserType CHEAP =
      UserType.domainOf(
          "desk",
          "cheap",
          "desk.price",
          false,
          // a domain over a domain inherits its default
          "1.00",
          List.of("CHECK (((VALUE)::numeric < (10)::numeric)) NOT VALID"));
  private static final TableSchema TAGGED =
      new TableSchema(
          new TableId("desk", "tagged"),
          List.of(
              new ColumnSchema("id", "bigint", false),
              new ColumnSchema("moods", "desk.\"Mood\"[]", true),
              new ColumnSchema("px", "desk.cheap", true)),
          List.of("id"),
          List.of(MOOD, PRICE, CHEAP));

  @Test
  void createsEnumsAndDomainsBeforeTheTablesThatUseThemAndIsIdempotent() throws Exception {
    try (TestIsolation slice = TestIsolation.create("target schema types");
        Connection target = slice.connectTarget()) {
      TargetSchema.ensure(target, List.of(TAGGED));
      TargetSchema.ensure(target, List.of(TAGGED));

      assertThat(
              rows(
                  target,
                  "pg_attribute a WHERE a.attrelid = 'desk.tagged'::regclass AND a.attnum > 0",
                  "a.attname, format_type(a.atttypid, a.atttypmod)",
                  "a.attnum"))
          .containsExactly(
              "(id,bigint)",
              "(moods,\"desk.\"\"Mood\"\"[]\")",
              "(px,desk.cheap)",
              "(_sluice_lsn,bigint)");
      assertThat(rows(target, "pg_enum", "enumlabel", "enumsortorder"))
          .containsExactly("(calm)", "(it's)", "(wild)");
      assertThat(
              rows(
                  target,
                  "pg_constraint c JOIN pg_type t ON t.oid = c.contypid"
                      + " WHERE c.contype = 'c' AND t.typnamespace = 'desk'::regnamespace",
                  "t.typname, pg_get_constraintdef(c.oid)",
                  "1"))
          .containsExactly(
              "(cheap,\"CHECK (((VALUE)::numeric < (10)::numeric)) NOT VALID\")",
              "(price,\"CHECK ((VALUE > (0)::numeric))\")");
      exec(target, "INSERT INTO desk.tagged VALUES (1, '{wild,calm}', 9.99, 1)");
    }
  }

  @Test
  void refusesATypeOfTheSameNameWithAnotherDefinitionNamingTheDifference() throws Exception {
    try (TestIsolation slice = TestIsolation.create("target schema type clash");
        Connection target = slice.connectTarget()) {
      exec(
          target,
          "CREATE SCHEMA desk",
          "CREATE TYPE desk.\"Mood\" AS ENUM ('calm', 'wild', 'it''s')",
          "CREATE DOMAIN desk.price AS numeric(10,2) NOT NULL");

      assertThatThrownBy(() -> TargetSchema.ensure(target, List.of(TAGGED)))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("target type desk.Mood exists with another definition")
          .hasMessageContaining("labels [calm, it's, wild] expected, [calm, wild, it's] found");
      exec(target, "DROP TYPE desk.\"Mood\"");
      assertThatThrownBy(() -> TargetSchema.ensure(target, List.of(TAGGED)))
          .isInstanceOf(SluiceException.class)
          .hasMessageContaining("target type desk.price exists with another definition")
          .hasMessageContaining("base type numeric(12,2) expected, numeric(10,2) found")
          .hasMessageContaining("NOT NULL false expected, true found")
          .hasMessageContaining("default 1.00 expected, null found");
      assertThat(
              rows(
                  target,
                  "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                      + " WHERE n.nspname IN ('desk', '_sluice')",
                  "c.relname",
                  "1"))
          .as("nothing of the failed attempts is left behind")
          .isEmpty();
    }
  }
}
