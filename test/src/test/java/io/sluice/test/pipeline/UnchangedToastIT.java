package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.embedded.TestIsolation;
import io.sluice.test.pipeline.ExpectedTable.Compared;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An update that leaves a large (TOASTed, out-of-line) value alone does not resend it in the WAL
 * (REPLICA IDENTITY DEFAULT); the target must keep its copy of that value, never overwrite it with
 * a placeholder or NULL (invariant 4). Covers each kind of marker Debezium uses for such a value:
 * text-like, bytea, int and text arrays, and the rest (numeric, jsonb, a domain).
 */
class UnchangedToastIT {
  /** Large, uncompressed values (over 8 kB each) for the TOASTable columns, varying with g. */
  private static final String BIG_VALUES =
      "(SELECT string_agg(md5(g::text || i::text), '') FROM generate_series(1, 300) i),"
          + " (SELECT decode(string_agg(md5(i::text || g::text), ''), 'hex')"
          + " FROM generate_series(1, 600) i),"
          + " jsonb_build_object('k', (SELECT string_agg(md5(i::text), '') FROM"
          + " generate_series(g, g + 300) i), 'n', g),"
          + " (SELECT string_agg(md5((i * g)::text), '') FROM generate_series(1, 300) i),"
          + " ('1' || repeat('234567890', 1000) || '.5')::numeric * g,"
          + " (SELECT array_agg(i * g) FROM generate_series(1, 3000) i),"
          + " (SELECT array_agg(md5(i::text || g::text)) FROM generate_series(1, 300) i),"
          + " (SELECT string_agg(md5(g::text || i::text || 'd'), '') FROM generate_series(1, 300) i)";

  private static final List<String> TOASTED =
      List.of("t", "b", "j", "\"v,w\"", "big", "a", "tx", "d");

  @Test
  void unchangedToastedValuesSurviveUpdatesOfOtherColumns() throws Exception {
    try (TestIsolation slice = TestIsolation.create("unchanged toast");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: toast\n  tables: [toasty]\n  partitions: 1\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      ExpectedTable toasty = new ExpectedTable(source, target, "toasty");
      String rows = "INSERT INTO {t} SELECT g, g, " + BIG_VALUES + " FROM generate_series";
      toasty.onSource(
          "CREATE DOMAIN long_text AS text CHECK (length(VALUE) > 10)",
          "CREATE TABLE {t} (id int PRIMARY KEY, n int, t text, b bytea, j jsonb,"
              + " v varchar(12000), big numeric, a int4[], tx text[], d long_text)",
          // EXTERNAL storage moves the big values out of line uncompressed, so an update that does
          // not touch them leaves them out of the WAL record.
          "ALTER TABLE {t} ALTER t SET STORAGE EXTERNAL, ALTER b SET STORAGE EXTERNAL,"
              + " ALTER j SET STORAGE EXTERNAL, ALTER v SET STORAGE EXTERNAL,"
              + " ALTER big SET STORAGE EXTERNAL, ALTER a SET STORAGE EXTERNAL,"
              + " ALTER tx SET STORAGE EXTERNAL, ALTER d SET STORAGE EXTERNAL",
          rows + "(1, 3) g",
          // a name that a comma-joined list of unchanged columns would split
          "ALTER TABLE {t} RENAME v TO \"v,w\"");
      pipeline.startCapture();
      pipeline.startApply();
      toasty.create();
      toasty.onExpected(rows + "(1, 3) g");
      List<Compared> columns =
          Stream.concat(Stream.of("n"), TOASTED.stream()).map(c -> new Compared(c, true)).toList();
      toasty.awaitSame(pipeline, columns);

      toasty.onBoth(
          // the target holds the row: the update must keep its TOASTed columns
          "UPDATE {t} SET n = n + 10 WHERE id = 1",
          // one TOASTed column changes, the others do not
          "UPDATE {t} SET t = 'changed ' || t, n = 20 WHERE id = 2",
          // insert and untouched-TOAST update of a new row, likely in one apply batch
          "BEGIN",
          rows + "(4, 5) g",
          "UPDATE {t} SET n = 40 WHERE id = 4",
          "COMMIT",
          "UPDATE {t} SET n = 50 WHERE id = 5");
      toasty.awaitSame(pipeline, columns);

      toasty.onBoth(
          rows + "(6, 8) g",
          // key updates that leave the TOASTed columns alone: the new row does not resend them
          "UPDATE {t} SET id = 100 WHERE id = 3",
          "UPDATE {t} SET id = 101, n = 61 WHERE id = 6",
          // moved and then deleted before capture could read the moved row: nothing to carry
          "BEGIN",
          "UPDATE {t} SET id = 102 WHERE id = 7",
          "DELETE FROM {t} WHERE id = 102",
          "COMMIT",
          // moved twice in one transaction, then a TOASTed value changes
          "BEGIN",
          "UPDATE {t} SET id = 103 WHERE id = 8",
          "UPDATE {t} SET id = 104 WHERE id = 103",
          "COMMIT",
          "UPDATE {t} SET t = 'later ' || t WHERE id = 104");
      toasty.awaitSame(pipeline, columns);
      assertThat(pipeline.topicEvents("toast"))
          .as("the inserts of key updates carry every column")
          .filteredOn(e -> e.op() == Op.INSERT)
          .extracting(e -> e.key().get("id"))
          .contains("100", "101", "104")
          .doesNotContain("102");
      assertThat(pipeline.topicEvents("toast"))
          .filteredOn(e -> e.op() == Op.INSERT)
          .allSatisfy(e -> assertThat(e.unchanged()).isEmpty());

      List<ChangeEvent> updates =
          pipeline.topicEvents("toast").stream().filter(e -> e.op() == Op.UPDATE).toList();
      assertThat(updates)
          .as("the updates that left TOASTed columns alone carried them as unchanged")
          .filteredOn(e -> List.of("1", "4", "5").contains(e.key().get("id")))
          .hasSize(3)
          .allSatisfy(
              e ->
                  assertThat(e.unchanged())
                      .containsExactlyInAnyOrder("t", "b", "j", "v,w", "big", "a", "tx", "d"));
      assertThat(updates)
          .filteredOn(e -> e.key().get("id").equals("2"))
          .singleElement()
          .satisfies(e -> assertThat(e.unchanged()).doesNotContain("t").contains("b", "a"));
    }
  }
}
