package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeylessStatementsTest {
  private static final TableSchema LOG =
      new TableSchema(
          new TableId("public", "log"),
          List.of(
              new ColumnSchema("line", "text", true),
              new ColumnSchema("px", "numeric(38,18)", true),
              new ColumnSchema("code", "short_code", true)),
          List.of());

  private final KeylessStatements log =
      new KeylessStatements(
          LOG, Map.of("line", "text", "px", "numeric(38,18)", "code", "character varying(8)"));

  @Test
  void newRowsAreCopiedStraightIntoTheTableWithTheirPosition() {
    assertThat(log.copy(List.of("line", "px", "code")))
        .isEqualTo("COPY \"public\".\"log\" (\"line\", \"px\", \"code\", _sluice_lsn) FROM STDIN");
  }

  @Test
  void aCopyNamesOnlyTheColumnsItsRowsCarry() {
    assertThat(log.copy(List.of("px")))
        .isEqualTo("COPY \"public\".\"log\" (\"px\", _sluice_lsn) FROM STDIN");
  }

  @Test
  void aDeleteRemovesExactlyOneRowIdenticalToTheOldRow() {
    assertThat(log.deleteOne(List.of("line", "px")))
        .isEqualTo(
            "DELETE FROM \"public\".\"log\" WHERE ctid = (SELECT ctid FROM \"public\".\"log\""
                + " WHERE \"line\"::text IS NOT DISTINCT FROM CAST(? AS text)::text"
                + " AND \"px\"::text IS NOT DISTINCT FROM CAST(? AS numeric(38,18))::text"
                + " LIMIT 1)");
  }

  @Test
  void aDeleteComparesADomainColumnAsItsBaseType() {
    assertThat(log.deleteOne(List.of("code")))
        .contains("\"code\"::text IS NOT DISTINCT FROM CAST(? AS character varying(8))::text")
        .doesNotContain("short_code");
  }

  @Test
  void aDeleteOfAnOldRowWithNoComparedColumnRemovesAnyOneRow() {
    assertThat(log.deleteOne(List.of()))
        .isEqualTo(
            "DELETE FROM \"public\".\"log\" WHERE ctid = (SELECT ctid FROM \"public\".\"log\""
                + " LIMIT 1)");
  }

  @Test
  void aTruncateOrAReloadEmptiesTheWholeTable() {
    assertThat(log.deleteAll()).isEqualTo("DELETE FROM \"public\".\"log\"");
  }

  @Test
  void thePositionIsReadLockedAndStoredByTableName() {
    assertThat(log.position())
        .isEqualTo(
            "SELECT commit_order, lsn FROM _sluice.keyless_positions WHERE tbl = ? FOR UPDATE");
    assertThat(log.savePosition())
        .isEqualTo(
            "INSERT INTO _sluice.keyless_positions (tbl, commit_order, lsn) VALUES (?, ?, ?)"
                + " ON CONFLICT (tbl) DO UPDATE SET commit_order = EXCLUDED.commit_order,"
                + " lsn = EXCLUDED.lsn");
  }

  @Test
  void oddIdentifiersAreQuoted() {
    KeylessStatements weird =
        new KeylessStatements(
            new TableSchema(
                new TableId("My Schema", "Weird \"Name\""),
                List.of(new ColumnSchema("O'Brien \"Q\"", "text", true)),
                List.of()),
            Map.of("O'Brien \"Q\"", "text"));

    assertThat(weird.copy(List.of("O'Brien \"Q\"")))
        .isEqualTo(
            "COPY \"My Schema\".\"Weird \"\"Name\"\"\" (\"O'Brien \"\"Q\"\"\", _sluice_lsn)"
                + " FROM STDIN");
    assertThat(weird.deleteOne(List.of("O'Brien \"Q\"")))
        .startsWith("DELETE FROM \"My Schema\".\"Weird \"\"Name\"\"\" WHERE ctid = (SELECT ctid")
        .contains("WHERE \"O'Brien \"\"Q\"\"\"::text IS NOT DISTINCT FROM CAST(? AS text)::text");
    assertThat(weird.deleteAll()).isEqualTo("DELETE FROM \"My Schema\".\"Weird \"\"Name\"\"\"");
  }
}
