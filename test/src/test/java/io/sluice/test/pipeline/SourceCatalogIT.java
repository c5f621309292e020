package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.capture.CapturedTables;
import io.sluice.capture.SourceCatalog;
import io.sluice.core.ConfigException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.UserType;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolving groups against a real source catalog: every problem at once, exact schemas. */
class SourceCatalogIT {

  private static final String PROBLEM_GROUPS =
      """
      - name: alpha
        tables:
          - public.missing_table
          - "public.nomatch_*"
          - "public.dup_*"
          - public.no_key
          - public.full_no_key
          - public.full_clock
          - public.nothing_ident
          - public.fine
      - name: beta
        tables:
          - "public.*_both"
          - public.odd_types
          - public.generated_key
        exclude-columns:
          public.odd_types: "id, no_such_column"
          public.fine: note
      """;

  @Test
  void aConfigWithManyProblemsIsRefusedWithAllOfThemInOneException() throws Exception {
    try (TestIsolation slice = TestIsolation.create("catalog problems");
        PipelineFixture pipeline = new PipelineFixture(slice, PROBLEM_GROUPS);
        Connection source = slice.connectSource()) {
      exec(
          source,
          "CREATE TYPE mood AS ENUM ('calm', 'wild')",
          "CREATE TABLE dup_both (id int PRIMARY KEY)",
          "CREATE TABLE no_key (id int, note text)",
          "CREATE TABLE full_no_key (id int, note text)",
          "ALTER TABLE full_no_key REPLICA IDENTITY FULL",
          "CREATE TABLE full_clock (at timetz, note text)",
          "ALTER TABLE full_clock REPLICA IDENTITY FULL",
          "CREATE TABLE nothing_ident (id int PRIMARY KEY)",
          "ALTER TABLE nothing_ident REPLICA IDENTITY NOTHING",
          "CREATE TABLE fine (id int PRIMARY KEY, note text)",
          "CREATE EXTENSION cube",
          "CREATE TABLE odd_types (id int PRIMARY KEY, spot point, box cube, host inet,"
              + " feeling mood, at_local timetz, fine_text text)",
          "CREATE TABLE generated_key (qty int,"
              + " twice int GENERATED ALWAYS AS (qty * 2) STORED PRIMARY KEY)");

      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> SourceCatalog.resolve(source, pipeline.config));

      assertThat(e.problems())
          .containsExactlyInAnyOrder(
              "group 'alpha': table public.missing_table does not exist in the source database",
              "group 'alpha': pattern public.nomatch_* matches no table in the source",
              "table public.dup_both is matched by groups 'alpha' and 'beta'; a table belongs to"
                  + " one group",
              "table public.no_key has no primary key: set ALTER TABLE \"public\".\"no_key\""
                  + " REPLICA IDENTITY FULL (rows are then told apart by their values; identical"
                  + " rows may repeat), or list the columns that identify a row under key-columns"
                  + " of group 'alpha' (public.no_key: col1,col2) and set REPLICA IDENTITY FULL",
              "table public.full_clock has no key and column at has type time with time zone,"
                  + " whose streamed values sluice reads again from the source row by key (a"
                  + " timetz loses its offset in Debezium 3.6.3, an infinite interval arrives as"
                  + " 0): list key columns under key-columns of group 'alpha'",
              "table public.nothing_ident has REPLICA IDENTITY NOTHING, so deletes carry no key:"
                  + " ALTER TABLE \"public\".\"nothing_ident\" REPLICA IDENTITY DEFAULT",
              "table public.odd_types column spot has type point, which sluice cannot carry"
                  + " exactly yet: leave the column out with exclude-columns of group 'beta'"
                  + " (public.odd_types: spot), or take the table out of the group",
              "table public.odd_types column box has type cube, a type of extension cube, which"
                  + " sluice cannot carry exactly yet (extensions whose types it carries: citext,"
                  + " hstore, ltree): leave the column out with exclude-columns of group 'beta'"
                  + " (public.odd_types: box), or take the table out of the group",
              "exclude-columns of table public.odd_types in group 'beta': no column"
                  + " no_such_column",
              "table public.odd_types key column id is listed under exclude-columns of group"
                  + " 'beta': the key identifies rows, so it cannot be left out",
              "table public.generated_key key column twice is generated, and logical replication"
                  + " does not carry generated columns, so changes could not name their row: list"
                  + " other key columns under key-columns of group 'beta' and set REPLICA IDENTITY"
                  + " FULL",
              "group 'beta': exclude-columns names table public.fine, which is not one of the"
                  + " group's tables");
      assertThat(e.getMessage()).startsWith("invalid configuration (12 problems):");
    }
  }

  private static final String QUOTED_GROUPS =
      """
      - name: odd
        tables:
          - 'public."Order Book"'
          - '"Risk"."fx.rates"'
          - public.Trades
      - name: slip
        tables: [public.order book]
      """;

  @Test
  void namesWithSpacesCapitalsAndDotsResolveAsWrittenAndACaseSlipGetsTheRightName()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("catalog quoted names");
        PipelineFixture pipeline = new PipelineFixture(slice, QUOTED_GROUPS);
        Connection source = slice.connectSource()) {
      exec(
          source,
          "CREATE TABLE \"Order Book\" (id int PRIMARY KEY)",
          "CREATE SCHEMA \"Risk\"",
          "CREATE TABLE \"Risk\".\"fx.rates\" (id int PRIMARY KEY)",
          "CREATE TABLE \"Trades\" (id int PRIMARY KEY)");

      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> SourceCatalog.resolve(source, pipeline.config));

      assertThat(e.problems())
          .containsExactly(
              "group 'slip': table public.order book does not exist in the source database;"
                  + " did you mean public.Order Book? Names are matched as written");
      exec(source, "CREATE TABLE \"order book\" (id int PRIMARY KEY)");
      assertThat(SourceCatalog.resolve(source, pipeline.config).ids())
          .containsExactlyInAnyOrder(
              new TableId("public", "Order Book"),
              new TableId("Risk", "fx.rates"),
              new TableId("public", "Trades"),
              new TableId("public", "order book"));
    }
  }

  private static final String VALID_GROUPS =
      """
      - name: fx
        tables: [public.fx_rates]
      - name: reference
        tables: ["public.ref_*", "Odd Schema.Mixed Case"]
      """;

  @Test
  void aValidConfigResolvesExactTypesKeysInKeyOrderAndGroups() throws Exception {
    try (TestIsolation slice = TestIsolation.create("catalog valid");
        PipelineFixture pipeline = new PipelineFixture(slice, VALID_GROUPS);
        Connection source = slice.connectSource()) {
      exec(
          source,
          "CREATE TABLE fx_rates (quote char(3), base char(3), rate numeric(38,18) NOT NULL,"
              + " raw numeric, as_of timestamp with time zone, local_at timestamp(3),"
              + " label varchar(40), PRIMARY KEY (base, quote))",
          "CREATE TABLE ref_venue (code text PRIMARY KEY)",
          "CREATE TABLE ref_desk (id bigint PRIMARY KEY)",
          "CREATE TABLE unrelated (id int)",
          "CREATE SCHEMA \"Odd Schema\"",
          "CREATE TABLE \"Odd Schema\".\"Mixed Case\" (\"Id\" int PRIMARY KEY)",
          // sluice's own schema is never captured, whatever a pattern says
          "CREATE SCHEMA sluice",
          "CREATE TABLE sluice.ref_internal (id int PRIMARY KEY)");

      CapturedTables tables = SourceCatalog.resolve(source, pipeline.config);

      TableId fx = new TableId("public", "fx_rates");
      TableSchema schema = tables.schemas().get(fx);
      assertThat(schema.columns())
          .containsExactly(
              new ColumnSchema("quote", "character(3)", false, null, 1),
              new ColumnSchema("base", "character(3)", false, null, 2),
              new ColumnSchema("rate", "numeric(38,18)", false, null, 3),
              new ColumnSchema("raw", "numeric", true, null, 4),
              new ColumnSchema("as_of", "timestamp with time zone", true, null, 5),
              new ColumnSchema("local_at", "timestamp(3) without time zone", true, null, 6),
              new ColumnSchema("label", "character varying(40)", true, null, 7));
      assertThat(schema.keyColumns()).as("primary key order").containsExactly("base", "quote");
      assertThat(tables.ids())
          .containsExactly(
              new TableId("Odd Schema", "Mixed Case"),
              fx,
              new TableId("public", "ref_desk"),
              new TableId("public", "ref_venue"));
      assertThat(tables.groupOf(fx)).hasValueSatisfying(g -> assertThat(g.name()).isEqualTo("fx"));
      assertThat(tables.tablesOf("reference"))
          .extracting(TableSchema::id)
          .containsExactly(
              new TableId("Odd Schema", "Mixed Case"),
              new TableId("public", "ref_desk"),
              new TableId("public", "ref_venue"));
    }
  }

  @Test
  void enumsAndDomainsAreResolvedWithTheirDefinitionsDependenciesFirst() throws Exception {
    try (TestIsolation slice = TestIsolation.create("catalog user types");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: kinds\n  tables: [\"Kind Schema.kinds\"]\n");
        Connection source = slice.connectSource()) {
      exec(
          source,
          "CREATE SCHEMA \"Kind Schema\"",
          "CREATE TYPE \"Kind Schema\".\"Mood\" AS ENUM ('calm', 'it''s', 'wild')",
          "CREATE DOMAIN \"Kind Schema\".moods AS \"Kind Schema\".\"Mood\"[] NOT NULL"
              + " DEFAULT '{calm}' CHECK (cardinality(VALUE) > 0)",
          "CREATE DOMAIN price AS numeric(12,2) CHECK (VALUE > 0)",
          "CREATE DOMAIN cheap AS price CHECK (VALUE < 10)",
          "CREATE TABLE \"Kind Schema\".kinds (id int PRIMARY KEY,"
              + " feelings \"Kind Schema\".\"Mood\"[], bargain cheap, plain int[])");

      TableSchema schema =
          SourceCatalog.resolve(source, pipeline.config)
              .schemas()
              .get(new TableId("Kind Schema", "kinds"));

      assertThat(schema.columns())
          .containsExactly(
              new ColumnSchema("id", "integer", false, null, 1),
              new ColumnSchema("feelings", "\"Kind Schema\".\"Mood\"[]", true, null, 2),
              new ColumnSchema("bargain", "cheap", true, null, 3),
              new ColumnSchema("plain", "integer[]", true, null, 4));
      assertThat(schema.types())
          .containsExactly(
              UserType.enumOf("Kind Schema", "Mood", List.of("calm", "it's", "wild")),
              UserType.domainOf(
                  "public",
                  "price",
                  "numeric(12,2)",
                  false,
                  null,
                  List.of("CHECK ((VALUE > (0)::numeric))")),
              UserType.domainOf(
                  "public",
                  "cheap",
                  "price",
                  false,
                  null,
                  List.of("CHECK (((VALUE)::numeric < (10)::numeric))")));
    }
  }

  private static final String COLUMN_KINDS_GROUPS =
      """
      - name: desk
        tables: ['public."Order Book"']
        exclude-columns:
          'public."Order Book"': "spot, trader notes"
      """;

  @Test
  void generatedMoneyAndExtensionColumnsAreCarriedAndExcludedColumnsLeftOut() throws Exception {
    try (TestIsolation slice = TestIsolation.create("catalog column kinds");
        PipelineFixture pipeline = new PipelineFixture(slice, COLUMN_KINDS_GROUPS);
        Connection source = slice.connectSource()) {
      exec(
          source,
          "CREATE EXTENSION hstore",
          "CREATE EXTENSION ltree",
          "CREATE EXTENSION citext",
          "CREATE TABLE \"Order Book\" (id int PRIMARY KEY, qty int NOT NULL,"
              + " notional money, spot point, \"trader notes\" text, tags hstore,"
              + " paths ltree[], venue citext,"
              + " double_qty bigint GENERATED ALWAYS AS (qty::bigint * 2) STORED NOT NULL)");

      TableSchema schema =
          SourceCatalog.resolve(source, pipeline.config)
              .schemas()
              .get(new TableId("public", "Order Book"));

      assertThat(schema.columns())
          .containsExactly(
              new ColumnSchema("id", "integer", false, null, 1),
              new ColumnSchema("qty", "integer", false, null, 2),
              new ColumnSchema("notional", "money", true, null, 3),
              new ColumnSchema("tags", "hstore", true, null, 6),
              new ColumnSchema("paths", "ltree[]", true, null, 7),
              new ColumnSchema("venue", "citext", true, null, 8),
              ColumnSchema.generated("double_qty", "bigint", false, "((qty)::bigint * 2)", 9));
      assertThat(schema.types())
          .containsExactlyInAnyOrder(
              UserType.extensionOf("public", "hstore", "hstore"),
              UserType.extensionOf("public", "ltree", "ltree"),
              UserType.extensionOf("public", "citext", "citext"));
    }
  }
}
