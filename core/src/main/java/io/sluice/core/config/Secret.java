package io.sluice.core.config;

import java.util.Objects;

/**
 * A secret value (a password or an authentication token). {@link #toString()} masks it, so it never
 * reaches a log.
 *
 * <p>A secret is either fixed (written in the environment) or supplied: read again from its source
 * each time {@link #value()} is asked, as a connection is opened, so a renewed IAM token or a
 * rotated password reaches the next connection. Callers therefore ask for the value when they
 * connect and do not keep it.
 */
public final class Secret {
  private final String fixed;
  private final String source;
  private final SecretSource supplier;

  public Secret(String value) {
    this.fixed = value == null ? "" : value;
    this.source = null;
    this.supplier = null;
  }

  private Secret(String source, SecretSource supplier) {
    this.fixed = null;
    this.source = Objects.requireNonNull(source);
    this.supplier = Objects.requireNonNull(supplier);
  }

  /**
   * A secret read from {@code supplier} each time it is used. {@code source} names where it comes
   * from (no secret itself): two secrets from the same source are equal, so a configuration read
   * again compares equal to the one running.
   */
  public static Secret supplied(String source, SecretSource supplier) {
    return new Secret(source, supplier);
  }

  /** The current value; for a supplied secret this may reach out to its source. */
  public String value() {
    return supplier == null ? fixed : supplier.get();
  }

  /** True when the value comes from a {@link SecretSource}, not from the configuration. */
  public boolean isSupplied() {
    return supplier != null;
  }

  /**
   * After the database refused this secret: a supplied one is fetched anew at its next use, and
   * true is returned, since a retry may succeed (a password rotated since it was read); a fixed one
   * cannot change, and false is returned.
   */
  public boolean renew() {
    if (supplier == null) {
      return false;
    }
    supplier.renew();
    return true;
  }

  /** True for a fixed empty value; a supplied secret is never empty. */
  public boolean isEmpty() {
    return supplier == null && fixed.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s
        && (source == null ? s.source == null && fixed.equals(s.fixed) : source.equals(s.source));
  }

  @Override
  public int hashCode() {
    return source == null ? fixed.hashCode() : source.hashCode();
  }

  @Override
  public String toString() {
    if (source != null) {
      return "(" + source + ")";
    }
    return fixed.isEmpty() ? "(empty)" : "******";
  }
}
