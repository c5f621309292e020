package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * Domains that reject NULL are carried: apply stages rows in the domain's base type, since a staged
 * delete or an update that did not resend a TOASTed value holds NULLs the domain would refuse,
 * while the target table keeps the domain and its constraints.
 */
class NotNullDomainIT {
  private static final String BIG_NOTE =
      "(SELECT string_agg(md5(g::text || i::text), '') FROM generate_series(1, 400) i)";

  @Test
  void columnsOfDomainsThatRejectNullSurviveSnapshotInsertsDeletesAndUnchangedToast()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("not null domains");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: books\n  tables: [books]\n  partitions: 2\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE DOMAIN required_code AS varchar(12) NOT NULL",
          "CREATE DOMAIN present_qty AS int DEFAULT 1 CHECK (VALUE IS NOT NULL)",
          "CREATE DOMAIN short_code AS required_code CHECK (length(VALUE) > 0)",
          "CREATE DOMAIN required_note AS text NOT NULL",
          "CREATE TABLE books (id int PRIMARY KEY, code short_code, qty present_qty,"
              + " note required_note)",
          "ALTER TABLE books ALTER note SET STORAGE EXTERNAL",
          "INSERT INTO books SELECT g, 'c' || g, g, " + BIG_NOTE + " FROM generate_series(1, 6) g");
      pipeline.startCapture();
      pipeline.startApply();
      String columns = "id, code, qty, md5(note), length(note)";
      pipeline.awaitTargetMatches(source, target, "books", columns, "id");

      exec(
          source,
          "INSERT INTO books SELECT g, 'c' || g, g, " + BIG_NOTE + " FROM generate_series(7, 9) g",
          // leaves the TOASTed note out of the change: staged as NULL, kept on the target
          "UPDATE books SET qty = qty + 100 WHERE id IN (1, 7)",
          "DELETE FROM books WHERE id IN (2, 8)",
          "BEGIN",
          "DELETE FROM books WHERE id = 3",
          "INSERT INTO books VALUES (3, 'again', DEFAULT, 'short')",
          "COMMIT",
          "UPDATE books SET code = 'moved', qty = 0 WHERE id = 4");
      pipeline.awaitTargetMatches(source, target, "books", columns, "id");

      assertThat(rows(target, "books", "id, qty", "id")).contains("(1,101)", "(3,1)", "(7,107)");
      assertThat(
              rows(
                  target,
                  "pg_attribute WHERE attrelid = 'books'::regclass AND attnum > 0",
                  "attname, format_type(atttypid, atttypmod)",
                  "attnum"))
          .as("the target keeps the domains")
          .startsWith(
              "(id,integer)", "(code,short_code)", "(qty,present_qty)", "(note,required_note)");
    }
  }
}
