package io.sluice.core;

/**
 * A PostgreSQL log sequence number: a 64-bit WAL position, written {@code XXX/YYY} in hex.
 *
 * <p>Ordering is unsigned, which for real WAL positions (below 2^63) equals signed ordering.
 */
public record Lsn(long value) implements Comparable<Lsn> {
  public static final Lsn ZERO = new Lsn(0);

  /** Parses the PostgreSQL text form, e.g. {@code 16/B374D848}. */
  public static Lsn parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("not an LSN (expected XXX/YYY in hex): " + text);
    }
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
