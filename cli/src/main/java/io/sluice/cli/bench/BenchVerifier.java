package io.sluice.cli.bench;

import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.bench.BenchSchema;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import io.sluice.embedded.verify.TableComparison;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares every benchmark table of both targets with the source, by row count and content hash. A
 * fast wrong result is worthless: any difference voids the run.
 */
final class BenchVerifier {
  private final PrintWriter out;

  BenchVerifier(PrintWriter out) {
    this.out = out;
  }

  boolean verify(EmbeddedInfrastructure infra, String sourceDb, String sluiceDb, String nativeDb)
      throws Exception {
    long start = System.nanoTime();
    out.println();
    out.println("verifying both targets against the source...");
    out.flush();
    int matching = 0;
    int compared = 0;
    try (Connection source = infra.source().connect(sourceDb)) {
      List<ComparedTable> tables = new ArrayList<>();
      for (String t : BenchSchema.tables()) {
        tables.add(ComparedTable.fromCatalog(source, BenchSchema.SCHEMA, t));
      }
      for (String db : List.of(sluiceDb, nativeDb)) {
        String label = db.equals(nativeDb) ? "native" : "sluice";
        try (Connection target = infra.target().connect(db)) {
          for (TableComparison r : new TableComparator(source, target).compare(tables)) {
            compared++;
            if (r.matches()) {
              matching++;
            } else {
              out.println("MISMATCH on the " + label + " target: " + r);
            }
          }
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
}
