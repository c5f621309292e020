package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.FormatVersion;
import io.sluice.checkpoint.internal.GroupItems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Leases in DynamoDB: one item per (group, partition) holding owner, epoch and expiry (epoch
 * milliseconds of the injected clock). Every change is a conditional write on the epoch read, so
 * two workers racing for a partition cannot both win.
 */
public final class DynamoDbLeaseStore implements LeaseStore {
  static final int FORMAT_VERSION = 1;
  private static final Logger log = LoggerFactory.getLogger(DynamoDbLeaseStore.class);

  private final DynamoDbClient client;
  private final String table;
  private final Clock clock;
  private final Duration timeout;

  /**
   * @param clock the clock leases expire on; tests move it
   * @param timeout how long a lease lasts without renewal
   */
  public DynamoDbLeaseStore(
      DynamoDbClient client, StateTables tables, Clock clock, Duration timeout) {
    this.client = client;
    this.table = tables.leases();
    this.clock = clock;
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public Optional<Lease> tryAcquire(String group, int partition, String owner) {
    Instant now = clock.instant();
    Map<String, AttributeValue> current =
        client
            .getItem(b -> b.tableName(table).key(key(group, partition)).consistentRead(true))
            .item();
    Lease held = current == null || current.isEmpty() ? null : lease(current);
    boolean inForce = held != null && held.heldAt(now);
    if (inForce && !held.owner().equals(owner)) {
      return Optional.empty();
    }
    // The epoch stays only when the owner takes back a lease still in force: it changes hands.
    long epoch = held == null ? 1 : inForce ? held.epoch() : held.epoch() + 1;
    Lease next = new Lease(group, partition, owner, epoch, now.plus(timeout));
    try {
      put(next, held == null ? null : held.epoch());
      return Optional.of(next);
    } catch (ConditionalCheckFailedException raced) {
      return Optional.empty();
    }
  }

  @Override
  public Lease renew(Lease lease) {
    Instant now = clock.instant();
    if (!lease.heldAt(now)) {
      throw lost(lease, "expired at " + lease.expiresAt());
    }
    Lease next =
        new Lease(
            lease.group(), lease.partition(), lease.owner(), lease.epoch(), now.plus(timeout));
    try {
      client.updateItem(
          b ->
              b.tableName(table)
                  .key(key(lease.group(), lease.partition()))
                  .updateExpression("SET expires_at = :x, updated_at = :u")
                  .conditionExpression("#o = :o AND epoch = :e")
                  .expressionAttributeNames(Map.of("#o", "owner"))
                  .expressionAttributeValues(
                      Map.of(
                          ":x", millis(next.expiresAt()),
                          ":u", AttributeValue.fromS(now.toString()),
                          ":o", AttributeValue.fromS(lease.owner()),
                          ":e", number(lease.epoch()))));
      return next;
    } catch (ConditionalCheckFailedException e) {
      throw lost(lease, "another worker took it over");
    }
  }

  @Override
  public Lease renewIfDue(Lease lease) {
    Instant now = clock.instant();
    if (now.isBefore(lease.expiresAt().minus(timeout.multipliedBy(2).dividedBy(3)))) {
      return lease;
    }
    try {
      return renew(lease);
    } catch (SdkException e) {
      if (!lease.heldAt(now)) {
        throw lost(lease, "it ran out while DynamoDB could not be reached: " + e.getMessage());
      }
      log.warn(
          "could not renew the lease of {} partition {}: {}",
          lease.group(),
          lease.partition(),
          e.getMessage());
      return lease;
    }
  }

  @Override
  public void release(Lease lease) {
    try {
      client.updateItem(
          b ->
              b.tableName(table)
                  .key(key(lease.group(), lease.partition()))
                  .updateExpression("SET expires_at = :x")
                  .conditionExpression("#o = :o AND epoch = :e")
                  .expressionAttributeNames(Map.of("#o", "owner"))
                  .expressionAttributeValues(
                      Map.of(
                          ":x", number(0),
                          ":o", AttributeValue.fromS(lease.owner()),
                          ":e", number(lease.epoch()))));
    } catch (ConditionalCheckFailedException alreadyGone) {
      // someone else holds it now: nothing to give up
    }
  }

  @Override
  public List<Lease> list(String group) {
    List<Lease> out = new ArrayList<>();
    GroupItems.of(client, table, group).forEach(item -> out.add(lease(item)));
    return out;
  }

  /**
   * The check that fences a write in the same DynamoDB transaction: the lease item still names this
   * owner and epoch and has not expired at {@code now}. A write beside it is refused (the
   * transaction cancelled) once the lease ran out or another worker took it.
   *
   * @param leases the name of the lease table
   */
  static TransactWriteItem fenceCheck(String leases, Lease lease, Instant now) {
    return TransactWriteItem.builder()
        .conditionCheck(
            c ->
                c.tableName(leases)
                    .key(key(lease.group(), lease.partition()))
                    .conditionExpression(
                        "#o = :lease_owner AND epoch = :lease_epoch AND expires_at > :lease_now")
                    .expressionAttributeNames(Map.of("#o", "owner"))
                    .expressionAttributeValues(
                        Map.of(
                            ":lease_owner", AttributeValue.fromS(lease.owner()),
                            ":lease_epoch", number(lease.epoch()),
                            ":lease_now", millis(now))))
        .build();
  }

  static Map<String, AttributeValue> key(String group, int partition) {
    return Map.of("group", AttributeValue.fromS(group), "partition", number(partition));
  }

  private void put(Lease lease, Long expectedEpoch) {
    Map<String, AttributeValue> item = new HashMap<>(key(lease.group(), lease.partition()));
    item.put("owner", AttributeValue.fromS(lease.owner()));
    item.put("epoch", number(lease.epoch()));
    item.put("expires_at", millis(lease.expiresAt()));
    item.put("format_version", number(FORMAT_VERSION));
    item.put("updated_at", AttributeValue.fromS(clock.instant().toString()));
    client.putItem(
        b -> {
          b.tableName(table).item(item);
          if (expectedEpoch == null) {
            b.conditionExpression("attribute_not_exists(epoch)");
          } else {
            b.conditionExpression("epoch = :e")
                .expressionAttributeValues(Map.of(":e", number(expectedEpoch)));
          }
        });
  }

  private Lease lease(Map<String, AttributeValue> item) {
    String group = item.get("group").s();
    int partition = Integer.parseInt(item.get("partition").n());
    FormatVersion.require(
        item,
        FORMAT_VERSION,
        "lease of group " + group + " partition " + partition + " in " + table);
    return new Lease(
        group,
        partition,
        item.get("owner").s(),
        Long.parseLong(item.get("epoch").n()),
        Instant.ofEpochMilli(Long.parseLong(item.get("expires_at").n())));
  }

  private static LeaseLostException lost(Lease lease, String why) {
    return new LeaseLostException(
        "lease of group "
            + lease.group()
            + " partition "
            + lease.partition()
            + " (epoch "
            + lease.epoch()
            + ") is lost: "
            + why);
  }

  private static AttributeValue millis(Instant i) {
    return number(i.toEpochMilli());
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
