package io.sluice.checkpoint;

import java.time.Instant;

/**
 * Ownership of one partition of a group by one worker, until {@code expiresAt} unless renewed. The
 * epoch grows by one each time the partition changes hands, so a write conditional on it is refused
 * once another worker took over.
 */
public record Lease(String group, int partition, String owner, long epoch, Instant expiresAt) {
  /** Whether the lease is still in force at {@code now}. */
  public boolean heldAt(Instant now) {
    return now.isBefore(expiresAt);
  }
}
