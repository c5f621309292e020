package io.sluice.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.UserType;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetSchemaTest {
  private static final UserType MOOD =
      UserType.enumOf("Odd Schema", "Mood", List.of("calm", "it's", ""));
  private static final UserType CODE =
      UserType.domainOf(
          "public",
          "code",
          "character varying(8)",
          true,
          "'n/a'::character varying",
          List.of("CHECK (((VALUE)::text <> ''::text)) NOT VALID", "CHECK ((length(VALUE) < 6))"));

  @Test
  void anEnumIsCreatedWithItsLabelsQuotedInOrder() {
    assertThat(TargetSchema.createType(MOOD))
        .containsExactly("CREATE TYPE \"Odd Schema\".\"Mood\" AS ENUM ('calm', 'it''s', '')");
  }

  @Test
  void aDomainGetsItsDefaultAndNotNullAndThenEachConstraintAsDeparsed() {
    assertThat(TargetSchema.createType(CODE))
        .containsExactly(
            "CREATE DOMAIN \"public\".\"code\" AS character varying(8)"
                + " DEFAULT 'n/a'::character varying NOT NULL",
            "ALTER DOMAIN \"public\".\"code\" ADD CHECK (((VALUE)::text <> ''::text)) NOT VALID",
            "ALTER DOMAIN \"public\".\"code\" ADD CHECK ((length(VALUE) < 6))");
  }

  @Test
  void theTypesOfAllTablesOnceEachInDependencyOrder() {
    UserType codes = UserType.domainOf("public", "codes", "code[]", false, null, List.of());
    TableSchema a = table("a", List.of(MOOD, CODE));
    TableSchema b = table("b", List.of(CODE, codes));

    assertThat(TargetSchema.userTypes(List.of(a, b))).containsExactly(MOOD, CODE, codes);
  }

  @Test
  void aGeneratedColumnIsCreatedGeneratedFromTheSourcesExpression() {
    TableSchema t =
        new TableSchema(
            new TableId("public", "fills"),
            List.of(
                new ColumnSchema("id", "integer", false),
                new ColumnSchema("qty", "integer", false),
                ColumnSchema.generated("double_qty", "bigint", false, "((qty)::bigint * 2)", 3)),
            List.of("id"));

    assertThat(TargetSchema.createTable(t))
        .isEqualTo(
            "CREATE TABLE \"public\".\"fills\" (\"id\" integer NOT NULL, \"qty\" integer NOT NULL,"
                + " \"double_qty\" bigint GENERATED ALWAYS AS (((qty)::bigint * 2)) STORED NOT NULL,"
                + " _sluice_lsn bigint NOT NULL, PRIMARY KEY (\"id\"))");
  }

  private static TableSchema table(String name, List<UserType> types) {
    return new TableSchema(
        new TableId("public", name),
        List.of(new ColumnSchema("id", "integer", false)),
        List.of("id"),
        types);
  }
}
