package io.sluice.embedded.verify;

/**
 * The outcome of comparing one table: row counts and, on each side, an MD5 over the MD5s of the row
 * texts in key order. The hash of an empty table is the MD5 of the empty string.
 */
public record TableComparison(
    ComparedTable table, long sourceRows, long targetRows, String sourceHash, String targetHash) {

  /** Whether both sides hold the same rows with the same values. */
  public boolean matches() {
    return sourceRows == targetRows && sourceHash.equals(targetHash);
  }

  @Override
  public String toString() {
    return table
        + (matches() ? " matches" : " DIFFERS")
        + " (rows "
        + sourceRows
        + " / "
        + targetRows
        + ", md5 "
        + sourceHash
        + " / "
        + targetHash
        + ")";
  }
}
