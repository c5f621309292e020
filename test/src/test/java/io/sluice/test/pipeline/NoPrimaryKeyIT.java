package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sluice.apply.TargetWriter;
import io.sluice.capture.SourceCatalog;
import io.sluice.core.ConfigException;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tables without a primary key: keyed by configured key columns under REPLICA IDENTITY FULL, or
 * without any key under REPLICA IDENTITY FULL, as a multiset of rows.
 */
class NoPrimaryKeyIT {
  private static final String LEDGER_COLUMNS = "desk, qty, doc, md5(note), length(note), at";

  @Test
  void aTableWithoutAnyKeyIsCarriedAsAMultisetInCommitOrderAndReplaysAreHarmless()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("no key multiset");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: ledger\n  tables: [ledger]\n  partitions: 3\n");
        Connection source = slice.connectSource();
        Connection other = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TABLE ledger (desk text, qty numeric, doc jsonb, note text, at timestamptz)",
          "ALTER TABLE ledger REPLICA IDENTITY FULL",
          // out of line and uncompressed, so an update that leaves it alone does not resend it
          "ALTER TABLE ledger ALTER COLUMN note SET STORAGE EXTERNAL",
          "INSERT INTO ledger VALUES ('a', 1, '{\"x\": 1}', 'same', '2024-01-01 00:00+00'),"
              + " ('a', 1, '{\"x\": 1}', 'same', '2024-01-01 00:00+00'),"
              + " ('a', 1, '{\"x\": 1}', 'same', '2024-01-01 00:00+00'),"
              + " ('b', 2.50, '[]', NULL, 'infinity'),"
              + " ('big', 0, NULL, repeat('n', 20000), NULL),"
              + " (NULL, NULL, NULL, NULL, NULL), (NULL, NULL, NULL, NULL, NULL)");
      pipeline.startCapture();
      pipeline.startApply();

      exec(
          source,
          "INSERT INTO ledger VALUES ('a', 1, '{\"x\": 1}', 'same', '2024-01-01 00:00+00')",
          // one of several identical rows changes, another goes
          "UPDATE ledger SET qty = 5 WHERE ctid = (SELECT ctid FROM ledger WHERE desk = 'a' LIMIT 1)",
          "DELETE FROM ledger WHERE ctid = (SELECT ctid FROM ledger WHERE qty = 1 LIMIT 1)",
          // the TOASTed note is not resent: it comes from the old row
          "UPDATE ledger SET desk = 'big too' WHERE desk = 'big'",
          "DELETE FROM ledger WHERE desk IS NULL");
      // A transaction that writes first and commits last comes last in the stream, although its
      // first change has the older WAL position.
      other.setAutoCommit(false);
      exec(other, "INSERT INTO ledger VALUES ('late', 7, NULL, 'x', NULL)");
      exec(
          source,
          "INSERT INTO ledger VALUES ('early', 8, NULL, 'y', NULL)",
          "UPDATE ledger SET qty = qty + 1 WHERE desk = 'b'");
      exec(other, "UPDATE ledger SET qty = qty * 10 WHERE desk IN ('b', 'early')");
      other.commit();

      pipeline.awaitTargetMatches(source, target, "ledger", LEDGER_COLUMNS, LEDGER_COLUMNS);
      assertThat(rows(target, "ledger", "desk, qty", "desk, qty"))
          .containsExactly(
              "(a,1)", "(a,1)", "(a,5)", "(b,35.00)", "(\"big too\",0)", "(early,80)", "(late,7)");

      // Every change once more, twice, as a replay after a crash would deliver them.
      List<ChangeEvent> all =
          pipeline.topicEvents("ledger").stream().filter(e -> e.op() != Op.SCHEMA).toList();
      List<String> before = rows(target, "ledger", LEDGER_COLUMNS, LEDGER_COLUMNS);
      target.setAutoCommit(false);
      TargetWriter replay = new TargetWriter();
      replay.write(target, all);
      replay.write(target, all);
      target.commit();
      assertThat(rows(target, "ledger", LEDGER_COLUMNS, LEDGER_COLUMNS)).isEqualTo(before);
      target.setAutoCommit(true);

      exec(
          source,
          "TRUNCATE ledger",
          "INSERT INTO ledger VALUES ('after', 1, NULL, NULL, NULL), ('after', 1, NULL, NULL, NULL)");
      pipeline.awaitTargetMatches(source, target, "ledger", LEDGER_COLUMNS, LEDGER_COLUMNS);
      assertThat(rows(target, "ledger", "desk", "desk")).containsExactly("(after)", "(after)");
    }
  }

  private static final String KEYED_GROUPS =
      """
      - name: audit
        tables: [audit_log]
        partitions: 2
        key-columns:
          audit_log: "desk, seq"
      """;

  @Test
  void aTableKeyedByConfiguredColumnsFollowsInsertsUpdatesKeyChangesAndDeletes() throws Exception {
    try (TestIsolation slice = TestIsolation.create("no pk keyed");
        PipelineFixture pipeline = new PipelineFixture(slice, KEYED_GROUPS);
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

  private static final String REFUSED_GROUPS =
      """
      - name: audit
        tables: [no_full, has_pk, typo]
        key-columns:
          no_full: id
          has_pk: id
          typo: "id, nope"
          elsewhere: id
      """;

  @Test
  void keyColumnsAreCheckedAgainstTheCatalog() throws Exception {
    try (TestIsolation slice = TestIsolation.create("no pk refused");
        PipelineFixture pipeline = new PipelineFixture(slice, REFUSED_GROUPS);
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
