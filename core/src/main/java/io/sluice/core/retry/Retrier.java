package io.sluice.core.retry;

import io.sluice.core.error.ErrorClass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;

/**
 * Runs work until it succeeds, again after each error its classifier calls {@link
 * ErrorClass#RETRIABLE}, waiting a {@link Backoff} between attempts. It gives up, rethrowing the
 * last error unchanged, on any other error and when {@code keepTrying} turns false (asked after
 * each retriable failure: a stop was requested, a lease ran out). There is no attempt limit: a
 * dependency that is away is waited for, and the {@link Listener} makes the wait visible (logs,
 * status, metrics) instead. Thread-safe; one instance may serve many threads.
 */
public final class Retrier {
  /** Work to retry; may throw {@code X} or any unchecked exception. */
  @FunctionalInterface
  public interface Attempt<T, X extends Exception> {
    T run() throws X;
  }

  /** Told of each retriable failure and of the recovery that ends a run of them. */
  public interface Listener {
    /**
     * @param attempt the attempt that failed, from 1
     * @param error what it threw
     * @param next how long the retrier waits before the next attempt
     */
    void retrying(int attempt, Throwable error, Duration next);

    /**
     * @param failures how many attempts failed before this one succeeded
     * @param outage from the first failure to the success
     */
    default void recovered(int failures, Duration outage) {}
  }

  private final Backoff backoff;
  private final Function<Throwable, ErrorClass> classifier;
  private final Sleeper sleeper;
  private final Clock clock;
  private final LongUnaryOperator random;

  public Retrier(
      Backoff backoff, Function<Throwable, ErrorClass> classifier, Sleeper sleeper, Clock clock) {
    this(backoff, classifier, sleeper, clock, b -> ThreadLocalRandom.current().nextLong(b));
  }

  /** With the jitter's random source given, for tests. */
  public Retrier(
      Backoff backoff,
      Function<Throwable, ErrorClass> classifier,
      Sleeper sleeper,
      Clock clock,
      LongUnaryOperator random) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  public Clock clock() {
    return clock;
  }

  /** Runs {@code work} until it succeeds or fails for good, retrying for as long as it takes. */
  public <T, X extends Exception> T call(Attempt<T, X> work, Listener listener)
      throws X, InterruptedException {
    return call(work, () -> true, listener);
  }

  /**
   * Runs {@code work} until it succeeds, fails with an error that is not retriable, or fails while
   * {@code keepTrying} is false; in the last two cases the error is rethrown as it was.
   *
   * @throws InterruptedException when interrupted while waiting between attempts
   */
  @SuppressWarnings("unchecked")
  public <T, X extends Exception> T call(
      Attempt<T, X> work, BooleanSupplier keepTrying, Listener listener)
      throws X, InterruptedException {
    Instant firstFailure = null;
    for (int attempt = 1; ; attempt++) {
      try {
        T result = work.run();
        if (firstFailure != null) {
          listener.recovered(attempt - 1, Duration.between(firstFailure, clock.instant()));
        }
        return result;
      } catch (Exception e) {
        if (e instanceof InterruptedException interrupted) {
          throw interrupted;
        }
        if (classifier.apply(e) != ErrorClass.RETRIABLE || !keepTrying.getAsBoolean()) {
          if (e instanceof RuntimeException unchecked) {
            throw unchecked;
          }
          throw (X) e;
        }
        if (firstFailure == null) {
          firstFailure = clock.instant();
        }
        Duration next = backoff.delay(attempt, random);
        listener.retrying(attempt, e, next);
        sleeper.sleep(next);
      }
    }
  }
}
