package io.sluice.apply.internal;

import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.checkpoint.LeaseStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Leases kept in memory with the semantics of the DynamoDB store: an epoch that grows when a
 * partition changes hands, expiry on the given clock, renewal once a third of the timeout passed.
 * {@link #down} makes every call fail as an unreachable DynamoDB does.
 */
final class InMemoryLeaseStore implements LeaseStore {
  private final Clock clock;
  private final Duration timeout;
  private final Map<String, Lease> leases = new HashMap<>();
  volatile boolean down;

  InMemoryLeaseStore(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeout = timeout;
  }

  @Override
  public synchronized Optional<Lease> tryAcquire(String group, int partition, String owner) {
    checkUp();
    Lease held = leases.get(key(group, partition));
    if (held != null && !held.owner().equals(owner) && held.heldAt(clock.instant())) {
      return Optional.empty();
    }
    long epoch = held == null ? 1 : held.owner().equals(owner) ? held.epoch() : held.epoch() + 1;
    Lease lease = new Lease(group, partition, owner, epoch, clock.instant().plus(timeout));
    leases.put(key(group, partition), lease);
    return Optional.of(lease);
  }

  @Override
  public synchronized Lease renew(Lease lease) {
    checkUp();
    Lease held = leases.get(key(lease.group(), lease.partition()));
    if (held == null
        || !held.owner().equals(lease.owner())
        || held.epoch() != lease.epoch()
        || !held.heldAt(clock.instant())) {
      throw new LeaseLostException("partition " + lease.partition() + " changed hands");
    }
    Lease renewed =
        new Lease(
            lease.group(),
            lease.partition(),
            lease.owner(),
            lease.epoch(),
            clock.instant().plus(timeout));
    leases.put(key(lease.group(), lease.partition()), renewed);
    return renewed;
  }

  @Override
  public synchronized Lease renewIfDue(Lease lease) {
    Duration sinceRenewal = Duration.between(lease.expiresAt().minus(timeout), clock.instant());
    return sinceRenewal.compareTo(timeout.dividedBy(3)) >= 0 ? renew(lease) : lease;
  }

  @Override
  public synchronized void release(Lease lease) {
    checkUp();
    Lease held = leases.get(key(lease.group(), lease.partition()));
    if (held != null && held.owner().equals(lease.owner()) && held.epoch() == lease.epoch()) {
      leases.put(
          key(lease.group(), lease.partition()),
          new Lease(
              lease.group(), lease.partition(), lease.owner(), lease.epoch(), clock.instant()));
    }
  }

  @Override
  public synchronized List<Lease> list(String group) {
    List<Lease> out = new ArrayList<>();
    leases.values().stream().filter(l -> l.group().equals(group)).forEach(out::add);
    return out;
  }

  /** The lease of a partition as stored now. */
  synchronized Optional<Lease> held(String group, int partition) {
    return Optional.ofNullable(leases.get(key(group, partition)));
  }

  private void checkUp() {
    if (down) {
      throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
    }
  }

  private static String key(String group, int partition) {
    return group + "/" + partition;
  }
}
