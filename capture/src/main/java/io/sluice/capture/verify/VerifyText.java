package io.sluice.capture.verify;

import java.util.Locale;

/** How a verification reads in a terminal. */
public final class VerifyText {
  /** Differing chunks a table's lines name at most. */
  private static final int CHUNKS_SHOWN = 10;

  private VerifyText() {}

  /** One line for a table. */
  public static String line(TableVerdict v) {
    String head =
        String.format(
            Locale.ROOT, "%-40s %,14d rows %7d chunks  ", v.table(), v.sourceRows(), v.chunks());
    if (!v.problem().isEmpty()) {
      return head + "NOT VERIFIED: " + v.problem();
    }
    if (v.matches()) {
      return head + "match" + (v.repaired() > 0 ? " (" + v.repaired() + " keys repaired)" : "");
    }
    return head
        + String.format(
            Locale.ROOT,
            "DIFFERS: %,d missing on target, %,d extra on target, %,d different, %,d unsettled%s",
            v.missing(),
            v.extra(),
            v.different(),
            v.unsettled(),
            v.repaired() > 0 ? " after repairing " + v.repaired() + " keys" : "");
  }

  /** The whole report: a line per table, the differing ones detailed, and a summary. */
  public static String report(VerifyReport r) {
    StringBuilder sb = new StringBuilder();
    for (TableVerdict v : r.tables()) {
      sb.append(line(v)).append('\n');
      if (v.matches()) {
        continue;
      }
      v.differingChunks().stream()
          .limit(CHUNKS_SHOWN)
          .forEach(
              c ->
                  sb.append(
                      String.format(
                          Locale.ROOT,
                          "    chunk %s: %,d rows on the source, %,d on the target%n",
                          c.range(),
                          c.sourceRows(),
                          c.targetRows())));
      if (v.differingChunks().size() > CHUNKS_SHOWN) {
        sb.append("    ... and ")
            .append(v.differingChunks().size() - CHUNKS_SHOWN)
            .append(" more chunks\n");
      }
      v.samples().forEach(s -> sb.append("    ").append(s).append('\n'));
    }
    long differing = r.tables().stream().filter(v -> !v.matches()).count();
    sb.append(
        String.format(
            Locale.ROOT,
            "verified %d tables, %,d rows, in %.1f s: %s%n",
            r.tables().size(),
            r.rows(),
            r.seconds(),
            differing == 0 ? "every table matches" : differing + " differ"));
    return sb.toString();
  }
}
