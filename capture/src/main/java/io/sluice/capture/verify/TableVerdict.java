package io.sluice.capture.verify;

import java.util.List;

/**
 * How one table compares. Keys are named by their key columns' values, never by other values.
 *
 * @param table the table, {@code schema.table}
 * @param group its group
 * @param sourceRows rows in the source snapshot
 * @param targetRows rows on the target when it was read
 * @param chunks chunks compared
 * @param differingChunks chunks whose count or fingerprint differed at first, before rows that
 *     changed after the snapshot were told apart
 * @param missing keys the source holds and the target lacks
 * @param extra keys the target holds and the source does not
 * @param different keys whose rows differ
 * @param unsettled keys still changing when the deadline passed, so not judged
 * @param samples up to the chosen number of keys of each kind, as {@code missing: id=7}
 * @param problem why the table was not compared, or could not be narrowed; empty otherwise
 * @param repaired keys copied again from the source by {@code --repair}
 */
public record TableVerdict(
    String table,
    String group,
    long sourceRows,
    long targetRows,
    int chunks,
    List<DifferingChunk> differingChunks,
    long missing,
    long extra,
    long different,
    long unsettled,
    List<String> samples,
    String problem,
    long repaired) {
  public TableVerdict {
    differingChunks = List.copyOf(differingChunks);
    samples = List.copyOf(samples);
  }

  /** Whether source and target hold the same rows, as far as could be judged. */
  public boolean matches() {
    return missing + extra + different + unsettled == 0 && problem.isEmpty();
  }

  /**
   * A chunk whose figures differed.
   *
   * @param range what it covers, as {@code id in [0, 10000)}
   * @param sourceRows its rows on the source
   * @param targetRows its rows on the target
   */
  public record DifferingChunk(String range, long sourceRows, long targetRows) {}
}
