package io.sluice.core.config;

/** Where a supplied {@link Secret} comes from: an IAM token signer, a Secrets Manager secret. */
@FunctionalInterface
public interface SecretSource {
  /** The current value, kept or fetched anew as its renewal schedule says. */
  String get();

  /**
   * Fetches anew at the next {@link #get()}: the database refused the kept value (a password
   * rotated since it was read).
   */
  default void renew() {}
}
