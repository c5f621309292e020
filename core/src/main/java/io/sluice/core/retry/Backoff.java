package io.sluice.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with jitter: attempt {@code n} waits a random time in the upper half of
 * {@code min(max, initial * 2^(n-1))}, so retries of many workers spread out and no wait exceeds
 * {@code max}.
 *
 * @param initial the bound of the first wait
 * @param max the bound of every wait
 */
public record Backoff(Duration initial, Duration max) {
  /** Target writes and capture restarts: 200 ms doubling up to 10 s. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /**
   * The wait before attempt {@code attempt + 1}.
   *
   * @param attempt the attempt that just failed, from 1
   * @param random given a bound {@code b > 0}, a value in {@code [0, b)}
   */
  public Duration delay(int attempt, LongUnaryOperator random) {
    long cap = max.toMillis();
    long bound = initial.toMillis();
    for (int i = 1; i < attempt && bound < cap; i++) {
      bound *= 2;
    }
    bound = Math.min(bound, cap);
    long half = bound / 2;
    return Duration.ofMillis(half + random.applyAsLong(bound - half + 1));
  }
}
