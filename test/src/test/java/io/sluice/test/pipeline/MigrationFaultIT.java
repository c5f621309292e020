package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.capture.CaptureSingleton;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Migrations as Flyway or Liquibase run them, while a steady workload writes another table: DDL
 * inside a transaction with DML before and after it (add, rename and drop a column, widen a type),
 * the same statements back to back outside a transaction, some of it while capture is down, and a
 * table created and added to the publication. Capture reads every row image with the columns it was
 * written with, the target follows each change, nothing halts, and both tables end equal.
 */
class MigrationFaultIT {
  private static final String GROUPS =
      """
      - name: orders
        tables: [orders]
        partitions: 2
      - name: books
        tables: [books]
        partitions: 3
      """;

  @Test
  @PipelineSlice(name = "migrations", groups = GROUPS)
  void ddlInsideTransactionsAndBackToBackWithDmlIsFollowedExactly(
      TestIsolation slice,
      PipelineFixture pipeline,
      @Source Connection source,
      @Target Connection target,
      SourceWriter writer)
      throws Exception {
    OrdersTable.create(source);
    exec(
        source,
        "CREATE TABLE books (id int PRIMARY KEY, name text NOT NULL, qty int, note text,"
            + " px numeric(10,2))",
        "INSERT INTO books SELECT g, 'book ' || g, g, 'n' || g, g * 1.25"
            + " FROM generate_series(1, 200) g");
    pipeline.startCaptureThroughFaults();
    List<ApplyWorker> workers = pipeline.startApply();
    writer.start(3_000, 100_000, 10);
    pipeline.awaitTargetMatches(source, target, "books", "id, name, qty, note, px", "id");

    // Inside transactions, DML on both sides of each statement.
    inTransaction(
        source,
        "UPDATE books SET note = 'before add' WHERE id = 1",
        "ALTER TABLE books ADD COLUMN flag boolean NOT NULL DEFAULT false",
        "UPDATE books SET flag = true WHERE id <= 20",
        "INSERT INTO books VALUES (1001, 'added', 1, 'n', 1.00, true)");
    inTransaction(
        source,
        "UPDATE books SET qty = qty + 1 WHERE id BETWEEN 21 AND 40",
        "ALTER TABLE books RENAME COLUMN name TO title",
        "UPDATE books SET title = title || ' (renamed)' WHERE id BETWEEN 30 AND 50",
        "INSERT INTO books (id, title, qty) VALUES (1002, 'after rename', 2)");
    inTransaction(
        source,
        "UPDATE books SET note = 'last note' WHERE id BETWEEN 41 AND 60",
        "ALTER TABLE books DROP COLUMN note",
        "UPDATE books SET qty = 0 WHERE id BETWEEN 55 AND 70",
        "DELETE FROM books WHERE id = 61");
    inTransaction(
        source,
        "UPDATE books SET qty = 7 WHERE id BETWEEN 71 AND 80",
        "ALTER TABLE books ALTER COLUMN qty TYPE bigint",
        "UPDATE books SET qty = 10000000000 + id WHERE id BETWEEN 75 AND 90");

    // Back to back, each statement its own transaction, with capture down for part of it.
    exec(
        source,
        "UPDATE books SET px = 1.5 WHERE id BETWEEN 91 AND 100",
        "ALTER TABLE books ADD COLUMN venue text DEFAULT 'XNAS'",
        "UPDATE books SET venue = 'XLON' WHERE id BETWEEN 95 AND 110");
    // all of that was captured live, then capture goes down for the rest
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              pipeline.assertHealthy();
              assertThat(SchemaChangeIT.types(target, "books")).containsKey("venue");
            });
    pipeline.stopCapture();
    exec(
        source,
        "ALTER TABLE books RENAME COLUMN title TO label",
        "UPDATE books SET label = 'L' || id WHERE id BETWEEN 111 AND 120",
        "ALTER TABLE books ALTER COLUMN px TYPE numeric(20,4)",
        "UPDATE books SET px = 123456.7891 WHERE id BETWEEN 121 AND 130",
        "ALTER TABLE books DROP COLUMN venue",
        "INSERT INTO books (id, label, qty, px) VALUES (1003, 'last', 3, 0.0001)");
    pipeline.startCaptureThroughFaults();
    exec(
        source,
        "UPDATE books SET qty = qty * 2 WHERE id BETWEEN 131 AND 140",
        // a table created and put in the publication by someone else: not captured, no harm
        "CREATE TABLE scratch (id int PRIMARY KEY, v text)",
        "ALTER PUBLICATION " + pipeline.config.source().publication() + " ADD TABLE scratch",
        "INSERT INTO scratch VALUES (1, 'x')",
        "UPDATE books SET qty = 1 WHERE id = 200");

    writer.awaitDone();
    pipeline.awaitTargetMatches(source, target, "books", "id, label, qty, px, flag", "id");
    OrdersTable.awaitEqual(pipeline, source, target);
    assertThat(SchemaChangeIT.types(target, "books"))
        .containsEntry("label", "text")
        .containsEntry("qty", "bigint")
        .containsEntry("px", "numeric(20,4)")
        .containsEntry("flag", "boolean")
        .doesNotContainKeys("name", "title");
    // the last value each dropped column had before it went stays on the target
    assertThat(PipelineFixture.rows(target, "books", "note", "id = 45 DESC").get(0))
        .isEqualTo("(\"last note\")");
    for (ApplyWorker w : workers) {
      assertThat(w.failure()).isEmpty();
    }
    pipeline.assertHealthy();
  }

  /**
   * A migration that rewrites a table (a type change) while the initial snapshot copies another one
   * and has not read it yet: a rewrite is not MVCC-safe, and a snapshot taken before it would read
   * the table empty. The snapshot holds share locks on every captured table from its start, so the
   * migration waits for it and is streamed after it; every row arrives.
   */
  @Test
  void aTableRewrittenWhileTheSnapshotCopiesLosesNoRow() throws Exception {
    try (TestIsolation slice = TestIsolation.create("migration in snapshot");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice,
                "- name: books\n  tables: [books, notes]\n  partitions: 2\n",
                // Debezium's snapshot; InitialLoadIT has the copy load's case
                java.util.Map.of("SLUICE_CAPTURE_INITIAL_LOAD", "kafka"));
        Connection source = slice.connectSource();
        Connection migration = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TABLE books (id int PRIMARY KEY, name text NOT NULL, qty int)",
          "INSERT INTO books SELECT g, 'book ' || g, g FROM generate_series(1, 200000) g",
          "CREATE TABLE notes (id int PRIMARY KEY, note text, n int)",
          "INSERT INTO notes SELECT g, 'note ' || g, g FROM generate_series(1, 200000) g");
      CaptureSingleton capture = pipeline.startCaptureThroughFaults();
      pipeline.startApply();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> capture.stats().events("books") > 1_000);

      java.util.concurrent.CompletableFuture<Void> migrated =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  inTransaction(
                      migration,
                      "UPDATE notes SET note = 'before' WHERE id <= 10",
                      "ALTER TABLE notes ALTER COLUMN n TYPE bigint",
                      "UPDATE notes SET n = n * 10000000000 WHERE id <= 100");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      migrated.get(120, java.util.concurrent.TimeUnit.SECONDS);

      pipeline.awaitTargetMatches(source, target, "books", "id, name, qty", "id");
      pipeline.awaitTargetMatches(source, target, "notes", "id, note, n", "id");
      pipeline.assertHealthy();
    }
  }

  private static void inTransaction(Connection c, String... statements) throws SQLException {
    c.setAutoCommit(false);
    try {
      exec(c, statements);
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
  }
}
