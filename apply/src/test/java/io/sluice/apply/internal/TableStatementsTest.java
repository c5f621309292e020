package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableStatementsTest {
  private static final TableSchema FILLS =
      new TableSchema(
          new TableId("public", "fills"),
          List.of(
              new ColumnSchema("venue", "text", false),
              new ColumnSchema("id", "bigint", false),
              new ColumnSchema("px", "numeric(38,18)", true),
              new ColumnSchema("note", "text", true)),
          List.of("venue", "id"));

  private static final TableSchema WEIRD =
      new TableSchema(
          new TableId("My Schema", "Weird \"Name\""),
          List.of(
              new ColumnSchema("Key \"K\"", "integer", false),
              new ColumnSchema("O'Brien", "text", true)),
          List.of("Key \"K\""));

  private final TableStatements fills = new TableStatements(FILLS, "3");

  @Test
  void theUpsertOnlyOverwritesARowWithAnOlderPosition() {
    assertThat(fills.upsert())
        .startsWith("INSERT INTO \"public\".\"fills\" AS t (")
        .contains("ON CONFLICT (\"venue\", \"id\") DO UPDATE SET")
        .contains("\"px\" = EXCLUDED.\"px\"")
        .contains("\"note\" = EXCLUDED.\"note\"")
        .contains("_sluice_lsn = EXCLUDED._sluice_lsn")
        .endsWith("WHERE t._sluice_lsn < EXCLUDED._sluice_lsn");
  }

  @Test
  void theUpsertDoesNotRewriteKeyColumns() {
    assertThat(fills.upsert())
        .doesNotContain("\"venue\" = EXCLUDED")
        .doesNotContain("\"id\" = EXCLUDED");
  }

  @Test
  void theUpsertSkipsRowsATombstoneAtTheSameOrANewerPositionDeleted() {
    assertThat(fills.upsert())
        .contains(
            "NOT EXISTS (SELECT 1 FROM _sluice.tombstones b WHERE b.tbl = 'public.fills'"
                + " AND b.key = s._sluice_key AND b.lsn >= s._sluice_lsn)");
  }

  @Test
  void theUpsertSkipsRowsOlderThanTheTablesTruncation() {
    assertThat(fills.upsert())
        .contains(
            "s._sluice_lsn > coalesce((SELECT x.lsn FROM _sluice.truncations x"
                + " WHERE x.tbl = 'public.fills'), -1)");
  }

  @Test
  void theUpsertTakesOnlyFullRowsFromStaging() {
    assertThat(fills.upsert())
        .contains("FROM sluice_stg_3 s WHERE s._sluice_op = 'u' AND s._sluice_unchanged IS NULL");
  }

  @Test
  void anUpdateKeepingToastedColumnsLeavesThemOutAndIsPositionGuarded() {
    String sql = fills.updateKeeping(Set.of("note"));

    assertThat(sql)
        .startsWith(
            "UPDATE \"public\".\"fills\" AS t SET \"px\" = s.\"px\", _sluice_lsn = s._sluice_lsn")
        .doesNotContain("\"note\" = s.")
        .contains("s._sluice_unchanged = '[\"note\"]'")
        .contains("t.\"venue\" = s.\"venue\" AND t.\"id\" = s.\"id\"")
        .endsWith("AND t._sluice_lsn < s._sluice_lsn");
    assertThat(fills.updateKeeping(Set.of("note"))).as("cached").isSameAs(sql);
  }

  @Test
  void unchangedColumnsAreKeyedUnambiguouslyWhateverTheirNames() {
    assertThat(TableStatements.unchangedKey(List.of("b", "a,b", "c\"d")))
        .isEqualTo("[\"a,b\",\"b\",\"c\\\"d\"]");
    assertThat(TableStatements.unchangedKey(Set.of("a", "b")))
        .isNotEqualTo(TableStatements.unchangedKey(Set.of("a,b")));
  }

  @Test
  void aColumnWhoseNameHoldsACommaIsKeptWhenUnchanged() {
    TableStatements commas =
        new TableStatements(
            new TableSchema(
                new TableId("public", "t"),
                List.of(
                    new ColumnSchema("id", "integer", false),
                    new ColumnSchema("a,b", "text", true),
                    new ColumnSchema("a", "text", true),
                    new ColumnSchema("b", "text", true)),
                List.of("id")),
            "4");

    assertThat(commas.updateKeeping(Set.of("a,b")))
        .doesNotContain("\"a,b\" = s.")
        .contains("\"a\" = s.\"a\"")
        .contains("\"b\" = s.\"b\"");
  }

  @Test
  void deletesArePositionGuardedAndLeaveATombstoneThatOnlyMovesForward() {
    assertThat(fills.delete())
        .isEqualTo(
            "DELETE FROM \"public\".\"fills\" AS t USING sluice_stg_3 s WHERE s._sluice_op = 'd'"
                + " AND t.\"venue\" = s.\"venue\" AND t.\"id\" = s.\"id\""
                + " AND t._sluice_lsn < s._sluice_lsn");
    assertThat(fills.tombstones())
        .contains("INSERT INTO _sluice.tombstones AS b (tbl, key, lsn) SELECT 'public.fills'")
        .contains("WHERE s._sluice_op = 'd'")
        .endsWith(
            "ON CONFLICT (tbl, key) DO UPDATE SET lsn = EXCLUDED.lsn WHERE b.lsn < EXCLUDED.lsn");
  }

  @Test
  void aTruncateDeletesOlderRowsAndRecordsAWatermarkThatOnlyMovesForward() {
    assertThat(fills.truncate(500))
        .containsExactly(
            "DELETE FROM \"public\".\"fills\" WHERE _sluice_lsn < 500",
            "INSERT INTO _sluice.truncations AS x (tbl, lsn) VALUES ('public.fills', 500)"
                + " ON CONFLICT (tbl) DO UPDATE SET lsn = greatest(x.lsn, EXCLUDED.lsn)",
            "DELETE FROM _sluice.tombstones WHERE tbl = 'public.fills' AND lsn < 500");
  }

  @Test
  void stagingMirrorsTheColumnTypesExactly() {
    assertThat(fills.createStaging())
        .isEqualTo(
            "CREATE TEMP TABLE IF NOT EXISTS sluice_stg_3 (\"venue\" text, \"id\" bigint,"
                + " \"px\" numeric(38,18), \"note\" text, _sluice_lsn bigint, _sluice_key text,"
                + " _sluice_op \"char\", _sluice_unchanged text) ON COMMIT DELETE ROWS");
    assertThat(fills.copy())
        .isEqualTo(
            "COPY sluice_stg_3 (\"venue\", \"id\", \"px\", \"note\", _sluice_lsn, _sluice_key,"
                + " _sluice_op, _sluice_unchanged) FROM STDIN");
  }

  @Test
  void oddIdentifiersAreQuotedAndOddNamesInLiteralsEscaped() {
    TableStatements weird = new TableStatements(WEIRD, "1");

    assertThat(weird.upsert())
        .startsWith(
            "INSERT INTO \"My Schema\".\"Weird \"\"Name\"\"\" AS t (\"Key \"\"K\"\"\", \"O'Brien\"")
        .contains("ON CONFLICT (\"Key \"\"K\"\"\")")
        .contains("\"O'Brien\" = EXCLUDED.\"O'Brien\"")
        .contains("b.tbl = 'My Schema.Weird \"Name\"'");
    assertThat(weird.delete()).contains("t.\"Key \"\"K\"\"\" = s.\"Key \"\"K\"\"\"");
    assertThat(weird.updateKeeping(Set.of("O'Brien")))
        .contains("s._sluice_unchanged = '[\"O''Brien\"]'");
    TableStatements apostrophe =
        new TableStatements(
            new TableSchema(
                new TableId("public", "it's"),
                List.of(new ColumnSchema("id", "integer", false)),
                List.of("id")),
            "2");
    assertThat(apostrophe.truncate(1).get(1)).contains("VALUES ('public.it''s', 1)");
  }
}
