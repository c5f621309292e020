package io.sluice.cli.aws;

import io.sluice.core.config.SecretSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value fetched from a remote source and kept until it is due for renewal. A renewal that fails
 * while the kept value is still usable logs and keeps it, so a brief outage of the source does not
 * stop new connections; past that, the failure reaches the caller, whose connection attempt is
 * retried as any other.
 */
final class Renewing implements SecretSource {
  private static final Logger LOG = LoggerFactory.getLogger(Renewing.class);

  private final String what;
  private final Clock clock;
  private final Duration renewAfter;
  private final Duration usableFor;
  private final Supplier<String> fetch;
  private String value;
  private Instant fetchedAt;
  private boolean renewalAsked;

  /**
   * @param what names the value in logs and errors, never the value itself
   * @param renewAfter age at which the value is fetched again
   * @param usableFor age up to which a kept value is still handed out when renewal fails
   */
  Renewing(
      String what, Clock clock, Duration renewAfter, Duration usableFor, Supplier<String> fetch) {
    this.what = what;
    this.clock = clock;
    this.renewAfter = renewAfter;
    this.usableFor = usableFor;
    this.fetch = fetch;
  }

  @Override
  public synchronized void renew() {
    renewalAsked = true;
  }

  @Override
  public synchronized String get() {
    Instant now = clock.instant();
    if (value != null
        && !renewalAsked
        && Duration.between(fetchedAt, now).compareTo(renewAfter) < 0) {
      return value;
    }
    try {
      value = fetch.get();
      fetchedAt = now;
      renewalAsked = false;
      return value;
    } catch (RuntimeException e) {
      if (value != null && Duration.between(fetchedAt, now).compareTo(usableFor) < 0) {
        LOG.warn("could not renew {}, keeping the one from {}: {}", what, fetchedAt, e.toString());
        return value;
      }
      throw new IllegalStateException("could not get " + what + ": " + e.getMessage(), e);
    }
  }
}
