package io.sluice.core.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * A {@link Retrier.Listener} that tells people about an outage without flooding the log: a WARN at
 * the first failure, again at most once a minute while it lasts, and an INFO with its length when
 * it ends. It also keeps the current problem for status and readiness reports.
 */
public final class RetryLog implements Retrier.Listener {
  private static final Duration REPEAT = Duration.ofMinutes(1);

  private final Logger log;
  private final String what;
  private final Function<Throwable, String> describe;
  private final Clock clock;
  private volatile String problem;
  private Instant lastWarned;

  /**
   * @param what the work, as a phrase that fits "{what} failed": {@code "target write of group
   *     fills partition 2"}
   * @param describe how an error is named in logs: never with row values
   */
  public RetryLog(Logger log, String what, Function<Throwable, String> describe, Clock clock) {
    this.log = log;
    this.what = what;
    this.describe = describe;
    this.clock = clock;
  }

  /** What keeps the work from succeeding now, while it is being retried; empty otherwise. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  @Override
  public synchronized void retrying(int attempt, Throwable error, Duration next) {
    String description = describe.apply(error);
    problem = what + " failing (attempt " + attempt + "): " + description;
    Instant now = clock.instant();
    if (attempt == 1 || lastWarned == null || !now.isBefore(lastWarned.plus(REPEAT))) {
      log.warn(
          "{} failed, retrying (attempt {}, next in {} ms): {}",
          what,
          attempt,
          next.toMillis(),
          description);
      lastWarned = now;
    }
  }

  @Override
  public synchronized void recovered(int failures, Duration outage) {
    problem = null;
    lastWarned = null;
    log.info(
        "{} succeeded again after {} failed attempts over {} ms",
        what,
        failures,
        outage.toMillis());
  }

  /** Forgets the problem, when the work ended without recovering (stopped, failed for good). */
  public void clear() {
    problem = null;
  }
}
