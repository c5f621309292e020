package io.sluice.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.capture.internal.CatalogReader.SourceColumn;
import io.sluice.capture.internal.CatalogReader.TableFacts;
import io.sluice.capture.internal.SourceTypes.ColumnType;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.TablePattern;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.UserType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The capture rules on catalog facts written by hand: each rule, and what passes them. */
class TableRulesTest {
  private static final TableId FILLS = new TableId("public", "fills");
  private static final ColumnType NUMERIC = new ColumnType("numeric", List.of(), null, false);
  private static final ColumnType TIMETZ =
      new ColumnType("time with time zone", List.of(), null, true);

  private static SourceColumn column(String name, ColumnType type, int attnum) {
    return new SourceColumn(name, type.targetType(), type, true, false, null, attnum);
  }

  private static GroupConfig group(
      Map<String, List<String>> keyColumns, Map<String, List<String>> excludeColumns) {
    return new GroupConfig(
        "book",
        List.of(new TablePattern("public.fills")),
        2,
        Optional.empty(),
        Optional.empty(),
        keyColumns,
        excludeColumns,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        io.sluice.core.config.QueryTables.NONE);
  }

  private static final GroupConfig PLAIN = group(Map.of(), Map.of());

  private final List<String> problems = new ArrayList<>();

  @Test
  void givenAPrimaryKeyAndCarriedColumnsTheSchemaKeepsThemInOrderWithTheirUserTypes() {
    UserType side = UserType.enumOf("public", "side", List.of("buy", "sell"));
    ColumnType sideType = new ColumnType("side", List.of(side), null, false);
    TableFacts facts =
        new TableFacts(
            FILLS,
            'd',
            List.of(
                column("id", NUMERIC, 1),
                column("side", sideType, 2),
                new SourceColumn("notional", "numeric", NUMERIC, false, true, "px * qty", 3)),
            List.of("id"));

    Optional<TableSchema> schema = TableRules.schemaOf(facts, PLAIN, problems);

    assertThat(problems).isEmpty();
    assertThat(schema).isPresent();
    assertThat(schema.get().keyColumns()).containsExactly("id");
    assertThat(schema.get().columns())
        .containsExactly(
            new ColumnSchema("id", "numeric", true, null, 1),
            new ColumnSchema("side", "side", true, null, 2),
            ColumnSchema.generated("notional", "numeric", false, "px * qty", 3));
    assertThat(schema.get().types()).containsExactly(side);
  }

  @Test
  void aColumnOfATypeNotCarriedIsRefusedUnlessExcluded() {
    ColumnType refused = ColumnType.refused("which sluice cannot carry exactly");
    TableFacts facts =
        new TableFacts(
            FILLS,
            'd',
            List.of(column("id", NUMERIC, 1), column("shape", refused, 2)),
            List.of("id"));

    assertThat(TableRules.schemaOf(facts, PLAIN, problems)).isEmpty();
    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("column shape", "exclude-columns of group 'book' (public.fills: shape)");

    problems.clear();
    Optional<TableSchema> excluded =
        TableRules.schemaOf(
            facts, group(Map.of(), Map.of("public.fills", List.of("shape"))), problems);
    assertThat(problems).isEmpty();
    assertThat(excluded.orElseThrow().columns())
        .extracting(ColumnSchema::name)
        .containsExactly("id");
  }

  @Test
  void anExcludedColumnThatDoesNotExistAndAnExcludedKeyColumnAreEachAProblem() {
    TableFacts facts = new TableFacts(FILLS, 'd', List.of(column("id", NUMERIC, 1)), List.of("id"));

    TableRules.schemaOf(
        facts, group(Map.of(), Map.of("public.fills", List.of("id", "nope"))), problems);

    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("exclude-columns", "no column nope"))
        .anySatisfy(p -> assertThat(p).contains("key column id is listed under exclude-columns"))
        .hasSize(2);
  }

  @Test
  void withoutAKeyATableNeedsReplicaIdentityFullOrKeyColumns() {
    List<SourceColumn> columns = List.of(column("px", NUMERIC, 1), column("qty", NUMERIC, 2));

    assertThat(TableRules.schemaOf(new TableFacts(FILLS, 'd', columns, List.of()), PLAIN, problems))
        .isEmpty();
    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("has no primary key", "REPLICA IDENTITY FULL", "key-columns of group 'book'");

    problems.clear();
    Optional<TableSchema> multiset =
        TableRules.schemaOf(new TableFacts(FILLS, 'f', columns, List.of()), PLAIN, problems);
    assertThat(problems).isEmpty();
    assertThat(multiset.orElseThrow().keyColumns()).isEmpty();
  }

  @Test
  void queryCaptureNeedsAKeyButNoReplicaIdentity() {
    List<SourceColumn> columns = List.of(column("px", NUMERIC, 1), column("qty", NUMERIC, 2));
    GroupConfig keyed = group(Map.of("public.fills", List.of("px")), Map.of());

    Optional<TableSchema> schema =
        TableRules.schemaOf(
            new TableFacts(FILLS, 'd', columns, List.of()), keyed, CaptureMethod.QUERY, problems);
    assertThat(problems).isEmpty();
    assertThat(schema.orElseThrow().keyColumns()).containsExactly("px");

    assertThat(
            TableRules.schemaOf(
                new TableFacts(FILLS, 'f', columns, List.of()),
                PLAIN,
                CaptureMethod.QUERY,
                problems))
        .as("a multiset cannot be followed by query: rows are named by key")
        .isEmpty();
    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("has no primary key, and query capture names rows by key")
        .doesNotContain("REPLICA IDENTITY");
  }

  @Test
  void keyColumnsNeedReplicaIdentityFullExistingColumnsAndNoPrimaryKey() {
    List<SourceColumn> columns = List.of(column("px", NUMERIC, 1), column("qty", NUMERIC, 2));
    GroupConfig keyed = group(Map.of("public.fills", List.of("px", "venue")), Map.of());

    TableRules.schemaOf(new TableFacts(FILLS, 'd', columns, List.of()), keyed, problems);
    assertThat(problems)
        .anySatisfy(
            p -> assertThat(p).contains("key-columns of table public.fills", "no column venue"))
        .anySatisfy(p -> assertThat(p).contains("without REPLICA IDENTITY FULL"))
        .hasSize(2);

    problems.clear();
    TableRules.schemaOf(new TableFacts(FILLS, 'f', columns, List.of("qty")), keyed, problems);
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("has a primary key [qty]; remove it"))
        .anySatisfy(p -> assertThat(p).contains("no column venue"))
        .hasSize(2);

    problems.clear();
    Optional<TableSchema> schema =
        TableRules.schemaOf(
            new TableFacts(FILLS, 'f', columns, List.of()),
            group(Map.of("public.fills", List.of("qty", "px")), Map.of()),
            problems);
    assertThat(problems).isEmpty();
    assertThat(schema.orElseThrow().keyColumns()).containsExactly("qty", "px");
  }

  @Test
  void replicaIdentityNothingLosesTheKeyOfDeletes() {
    TableRules.schemaOf(
        new TableFacts(FILLS, 'n', List.of(column("id", NUMERIC, 1)), List.of("id")),
        PLAIN,
        problems);

    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("REPLICA IDENTITY NOTHING", "REPLICA IDENTITY DEFAULT");
  }

  @Test
  void aKeyColumnCanBeNeitherGeneratedNorOfATypeReadAgainByKey() {
    SourceColumn generated = new SourceColumn("id", "bigint", NUMERIC, false, true, "a + 1", 1);
    TableRules.schemaOf(
        new TableFacts(FILLS, 'd', List.of(generated), List.of("id")), PLAIN, problems);
    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("key column id is generated");

    problems.clear();
    TableRules.schemaOf(
        new TableFacts(FILLS, 'd', List.of(column("at", TIMETZ, 1)), List.of("at")),
        PLAIN,
        problems);
    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("key column at has type time with time zone", "cannot be part of the key");
  }

  @Test
  void aTableWithoutAKeyCannotHoldAColumnReadAgainByKey() {
    TableRules.schemaOf(
        new TableFacts(FILLS, 'f', List.of(column("at", TIMETZ, 1)), List.of()), PLAIN, problems);

    assertThat(problems)
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("has no key and column at", "list key columns under key-columns");
  }

  @Test
  void aNameWithADotAStarOrAQuoteIsQuotedAsTheConfigurationMustWriteIt() {
    assertThat(TableRules.configName(new TableId("public", "fills"))).isEqualTo("public.fills");
    assertThat(TableRules.configName(new TableId("Kind Schema", "a.b")))
        .isEqualTo("Kind Schema.\"a.b\"");
    assertThat(TableRules.configName(new TableId("x", "say \"hi\"")))
        .isEqualTo("x.\"say \"\"hi\"\"\"");
  }
}
