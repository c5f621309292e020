package io.sluice.checkpoint;

import java.util.List;
import java.util.Optional;

/**
 * Leases on the partitions of table groups: at most one worker owns a partition at a time, and a
 * worker that stops renewing loses it when it expires.
 */
public interface LeaseStore {
  /**
   * Takes the partition when it is free, expired or already this owner's; empty when another owner
   * holds it. Taking it from another owner (or for the first time) raises the epoch.
   */
  Optional<Lease> tryAcquire(String group, int partition, String owner);

  /**
   * Extends a held lease by the lease timeout.
   *
   * @throws LeaseLostException when it expired or changed hands
   */
  Lease renew(Lease lease);

  /**
   * Renews the lease once a third of the lease timeout has passed since it was last renewed, else
   * returns it as it is. While DynamoDB cannot be reached it returns the lease unrenewed, until the
   * lease runs out on the clock: the holder goes on meanwhile, its fenced writes waiting for
   * DynamoDB.
   *
   * @throws LeaseLostException when it expired or changed hands
   */
  Lease renewIfDue(Lease lease);

  /**
   * Gives the lease up at once, if still held, so another worker need not wait for it to expire.
   */
  void release(Lease lease);

  /** The leases of a group, one per partition ever leased, by partition. */
  List<Lease> list(String group);
}
