package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.capture.SourceCatalog;
import io.sluice.core.ConfigException;
import io.sluice.test.embedded.TestIsolation;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** Tables without a primary key, keyed by configured key columns under REPLICA IDENTITY FULL. */
class NoPrimaryKeyIT {
  @Test
  void aTableKeyedByConfiguredColumnsFollowsInsertsUpdatesKeyChangesAndDeletes() throws Exception {
    String groups =
        """
        - name: audit
          tables: [audit_log]
          partitions: 2
          key-columns:
            audit_log: "desk, seq"
        """;
    try (TestIsolation slice = TestIsolation.create("no pk keyed");
        PipelineFixture pipeline = new PipelineFixture(slice, groups);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TABLE audit_log (desk text NOT NULL, seq int NOT NULL, what text, amount numeric)",
          "ALTER TABLE audit_log REPLICA IDENTITY FULL",
          "INSERT INTO audit_log SELECT 'd' || (g % 3), g, 'snap ' || g, g * 1.5"
              + " FROM generate_series(1, 30) g");
      pipeline.startCapture();
      pipeline.startApply();

      exec(
          source,
          "INSERT INTO audit_log VALUES ('fx', 100, 'streamed', 0.1)",
          "UPDATE audit_log SET what = 'changed', amount = NULL WHERE seq BETWEEN 1 AND 10",
          // a change of the configured key moves the row
          "UPDATE audit_log SET seq = 1000 WHERE seq = 20",
          "UPDATE audit_log SET desk = 'moved' WHERE seq = 21",
          "DELETE FROM audit_log WHERE seq IN (5, 25)");

      pipeline.awaitTargetMatches(
          source, target, "audit_log", "desk, seq, what, amount", "desk, seq");
      assertThat(rows(target, "audit_log", "desk, seq", "desk, seq"))
          .contains("(fx,100)", "(d2,1000)", "(moved,21)")
          .doesNotContain("(d2,20)", "(d0,21)", "(d2,5)");
    }
  }

  @Test
  void keyColumnsAreCheckedAgainstTheCatalog() throws Exception {
    String groups =
        """
        - name: audit
          tables: [no_full, has_pk, typo]
          key-columns:
            no_full: id
            has_pk: id
            typo: "id, nope"
            elsewhere: id
        """;
    try (TestIsolation slice = TestIsolation.create("no pk refused");
        PipelineFixture pipeline = new PipelineFixture(slice, groups);
        Connection source = slice.connectSource()) {
      exec(
          source,
          "CREATE TABLE no_full (id int, v text)",
          "CREATE TABLE has_pk (id int PRIMARY KEY, v text)",
          "CREATE TABLE typo (id int, v text)",
          "ALTER TABLE typo REPLICA IDENTITY FULL",
          "CREATE TABLE elsewhere (id int PRIMARY KEY)");

      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> SourceCatalog.resolve(source, pipeline.config));

      assertThat(e.problems())
          .containsExactlyInAnyOrder(
              "table public.no_full is keyed by key-columns [id] but updates and deletes carry no"
                  + " old values without REPLICA IDENTITY FULL: ALTER TABLE \"public\".\"no_full\""
                  + " REPLICA IDENTITY FULL",
              "table public.has_pk has a primary key [id]; remove it from key-columns of group"
                  + " 'audit'",
              "key-columns of table public.typo in group 'audit': no column nope",
              "group 'audit': key-columns names table public.elsewhere, which is not one of the"
                  + " group's tables");
    }
  }
}
