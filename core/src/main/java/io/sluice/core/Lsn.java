package io.sluice.core;

import java.util.regex.Pattern;

/**
 * A PostgreSQL log sequence number: a 64-bit WAL position, written {@code XXX/YYY} in hex.
 *
 * <p>Ordering is unsigned, which for real WAL positions (below 2^63) equals signed ordering.
 */
public record Lsn(long value) implements Comparable<Lsn> {
  public static final Lsn ZERO = new Lsn(0);

  private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

  /**
   * Parses the PostgreSQL text form, e.g. {@code 16/B374D848}: two hex numbers of at most 8 digits
   * each (upper or lower case), the high and low 32 bits.
   *
   * @throws IllegalArgumentException if {@code text} is not in that form
   */
  public static Lsn parse(String text) {
    if (text == null || !TEXT.matcher(text).matches()) {
      // Long.parseLong alone would accept signs and let a half wider than 32 bits spill into the
      // other half, turning a typo into a wrong, valid-looking position.
      throw new IllegalArgumentException(
          "not an LSN: '"
              + text
              + "' (expected two hex numbers of 1 to 8 digits joined by '/', e.g. 16/B374D848)");
    }
    int slash = text.indexOf('/');
    long hi = Long.parseLong(text.substring(0, slash), 16);
    long lo = Long.parseLong(text.substring(slash + 1), 16);
    return new Lsn((hi << 32) | lo);
  }

  @Override
  public int compareTo(Lsn other) {
    return Long.compareUnsigned(value, other.value);
  }

  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase()
        + "/"
        + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }
}
