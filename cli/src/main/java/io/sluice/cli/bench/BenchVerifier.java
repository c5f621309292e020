package io.sluice.cli.bench;

import io.sluice.core.schema.TableId;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import io.sluice.embedded.verify.TableComparison;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares benchmark tables of a target database with the source, by row count and content hash,
 * and prints a MISMATCH line for each table that differs. A fast wrong result is worthless: any
 * difference voids the run.
 */
final class BenchVerifier {
  private final PrintWriter out;

  BenchVerifier(PrintWriter out) {
    this.out = out;
  }

  /** The apply benchmark's check: every benchmark table of both targets against the source. */
  boolean verify(EmbeddedInfrastructure infra, String sourceDb, String sluiceDb, String nativeDb)
      throws Exception {
    long start = System.nanoTime();
    out.println();
    out.println("verifying both targets against the source...");
    out.flush();
    int matching = 0;
    int compared = 0;
    try (Connection source = infra.source().connect(sourceDb)) {
      List<ComparedTable> tables = fromCatalog(source, ApplyBenchmark.tableIds());
      for (String db : List.of(sluiceDb, nativeDb)) {
        String label = db.equals(nativeDb) ? "native" : "sluice";
        for (TableComparison r : compare(source, infra.target(), db, label, tables)) {
          compared++;
          matching += r.matches() ? 1 : 0;
        }
      }
    }
    out.printf(
        Locale.ROOT,
        "verified: %d/%d tables match the source (sluice and native targets, %.1f s)%n",
        matching,
        compared,
        (System.nanoTime() - start) / 1e9);
    out.flush();
    return matching == compared;
  }

  /**
   * Compares {@code tables} in database {@code targetDb} of {@code target} with the source,
   * printing {@code MISMATCH on the <label> target: ...} for each that differs.
   */
  List<TableComparison> compare(
      Connection source,
      EmbeddedPostgres target,
      String targetDb,
      String label,
      List<ComparedTable> tables)
      throws SQLException {
    try (Connection t = target.connect(targetDb)) {
      List<TableComparison> results = new TableComparator(source, t).compare(tables);
      for (TableComparison r : results) {
        if (!r.matches()) {
          out.println("MISMATCH on the " + label + " target: " + r);
        }
      }
      out.flush();
      return results;
    }
  }

  /** The tables as the source's catalog has them: its columns, ordered by its primary key. */
  static List<ComparedTable> fromCatalog(Connection source, List<TableId> tables)
      throws SQLException {
    List<ComparedTable> compared = new ArrayList<>();
    for (TableId t : tables) {
      compared.add(ComparedTable.fromCatalog(source, t.schema(), t.table()));
    }
    return compared;
  }
}
