package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaReconcilerTest {
  private static final TableId T = new TableId("public", "t");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "smallint | integer | true",
        "integer | bigint | true",
        "bigint | integer | false",
        "integer | numeric | true",
        "integer | numeric(10,0) | true",
        "integer | numeric(12,3) | false",
        "bigint | numeric(19,0) | true",
        "real | double precision | true",
        "double precision | real | false",
        "numeric(10,2) | numeric(12,2) | true",
        "numeric(10,2) | numeric(12,4) | true",
        "numeric(10,2) | numeric(11,3) | true",
        "numeric(10,2) | numeric(10,3) | false",
        "numeric(10,2) | numeric(12,1) | false",
        "numeric(10,2) | numeric | true",
        "numeric | numeric(38,18) | false",
        "character varying(10) | character varying(20) | true",
        "character varying(20) | character varying(10) | false",
        "character varying(10) | character varying | true",
        "character varying(10) | text | true",
        "text | character varying(10) | false",
        "character(3) | character(5) | true",
        "timestamp(3) without time zone | timestamp without time zone | true",
        "timestamp(3) without time zone | timestamp(6) without time zone | true",
        "timestamp without time zone | timestamp(3) without time zone | false",
        "timestamp without time zone | timestamp with time zone | false",
        "integer[] | bigint[] | true",
        "bigint[] | integer[] | false",
        "integer | text | false",
        "uuid | text | false",
      })
  void widensOnlyWhereEveryOldValueStaysTheSame(String from, String to, boolean widens) {
    assertThat(SchemaReconciler.widens(from, to)).isEqualTo(widens);
  }

  @Test
  void addsColumnsWidensTypesAndFreesDroppedColumns() {
    TableSchema target =
        table(
            col("id", "bigint", false),
            col("qty", "integer", false),
            col("gone", "text", false),
            col("note", "character varying(10)", true));
    TableSchema source =
        table(
            col("id", "bigint", false),
            col("qty", "bigint", true),
            col("note", "character varying(40)", true),
            col("Added Col", "numeric(38,18)", true));

    assertThat(SchemaReconciler.plan(source, target))
        .containsExactly(
            "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"qty\" TYPE bigint",
            "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"qty\" DROP NOT NULL",
            "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"note\" TYPE character varying(40)",
            "ALTER TABLE \"public\".\"t\" ADD COLUMN \"Added Col\" numeric(38,18)",
            "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"gone\" DROP NOT NULL");
  }

  @Test
  void aTargetThatFitsNeedsNothing() {
    TableSchema t = table(col("id", "bigint", false), col("v", "text", true));

    assertThat(SchemaReconciler.plan(t, t)).isEmpty();
  }

  @Test
  void refusesANarrowingNamingTableColumnTypesAndTheWayOut() {
    TableSchema target = table(col("id", "bigint", false), col("v", "text", true));
    TableSchema source = table(col("id", "bigint", false), col("v", "integer", true));

    assertThatThrownBy(() -> SchemaReconciler.plan(source, target))
        .isInstanceOf(SluiceException.class)
        .hasMessageContaining("public.t")
        .hasMessageContaining("column v changed type from text to integer")
        .hasMessageContaining("ALTER TABLE \"public\".\"t\" ALTER COLUMN \"v\" TYPE integer");
  }

  @Test
  void refusesAKeyChange() {
    TableSchema target = table(col("id", "bigint", false), col("v", "text", false));
    TableSchema source =
        new TableSchema(
            T, List.of(col("id", "bigint", false), col("v", "text", false)), List.of("v"));

    assertThatThrownBy(() -> SchemaReconciler.plan(source, target))
        .hasMessageContaining("its key changed from [id] to [v]");
  }

  @Test
  void aGeneratedColumnIsAddedGeneratedAndOneTheSourceStoppedGeneratingIsWrittenFromThenOn() {
    TableSchema target =
        table(
            col("id", "bigint", false),
            col("qty", "integer", true),
            ColumnSchema.generated("twice", "integer", true, "(qty * 2)", 0));
    TableSchema source =
        table(
            col("id", "bigint", false),
            col("qty", "integer", true),
            col("twice", "integer", true),
            ColumnSchema.generated("thrice", "integer", true, "(qty * 3)", 0));

    assertThat(SchemaReconciler.plan(source, target))
        .containsExactly(
            "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"twice\" DROP EXPRESSION",
            "ALTER TABLE \"public\".\"t\" ADD COLUMN \"thrice\" integer"
                + " GENERATED ALWAYS AS ((qty * 3)) STORED");
  }

  @Test
  void refusesAGeneratedSourceColumnThatIsAPlainTargetColumn() {
    TableSchema target = table(col("id", "bigint", false), col("twice", "integer", true));
    TableSchema source =
        table(
            col("id", "bigint", false),
            ColumnSchema.generated("twice", "integer", true, "(id * 2)", 0));

    assertThatThrownBy(() -> SchemaReconciler.plan(source, target))
        .hasMessageContaining("column twice is generated on the source ((id * 2))")
        .hasMessageContaining("drop the target's column \"twice\" and restart the group");
  }

  private static ColumnSchema col(String name, String type, boolean nullable) {
    return new ColumnSchema(name, type, nullable);
  }

  private static TableSchema table(ColumnSchema... columns) {
    return new TableSchema(T, List.of(columns), List.of("id"));
  }
}
