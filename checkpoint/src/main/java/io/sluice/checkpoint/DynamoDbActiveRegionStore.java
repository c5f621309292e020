package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.AuditedPut;
import io.sluice.checkpoint.internal.ControlItem;
import io.sluice.checkpoint.internal.FormatVersion;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The pipeline's {@link ActiveRegion} in DynamoDB: one item of the group control table (key {@value
 * #KEY}), which global tables replicate to the other region. A failover replaces it conditionally
 * on the version read, with an audit record under the same key, in one transaction.
 */
public final class DynamoDbActiveRegionStore {
  /** The item's key in the group control table: not a group name, which cannot hold a colon. */
  public static final String KEY = ":active-region";

  static final int FORMAT_VERSION = 1;
  private static final int ATTEMPTS = 5;

  private final DynamoDbClient client;
  private final StateTables tables;
  private final Clock clock;

  public DynamoDbActiveRegionStore(DynamoDbClient client, StateTables tables, Clock clock) {
    this.client = client;
    this.tables = tables;
    this.clock = clock;
  }

  /** The active region as this region's table holds it; empty before any failover. */
  public Optional<ActiveRegion> get() {
    Optional<Map<String, AttributeValue>> read =
        ControlItem.read(client, tables.groupControl(), KEY);
    if (read.isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = read.get();
    FormatVersion.require(item, FORMAT_VERSION, "active region in " + tables.groupControl());
    return Optional.of(
        new ActiveRegion(
            item.get("region").s(),
            item.get("reason").s(),
            item.get("changed_by").s(),
            Instant.parse(item.get("changed_at").s()),
            Long.parseLong(item.get("version").n())));
  }

  /**
   * Makes {@code region} the active one, unless it is already.
   *
   * @return false when it was active already (nothing written)
   */
  public boolean set(String region, String reason, String by) {
    for (int attempt = 1; ; attempt++) {
      Optional<ActiveRegion> current = get();
      if (current.isPresent() && current.get().region().equals(region)) {
        return false;
      }
      long version = current.map(ActiveRegion::version).orElse(0L);
      Instant now = clock.instant();
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("group", AttributeValue.fromS(KEY));
      item.put("region", AttributeValue.fromS(region));
      item.put("reason", AttributeValue.fromS(reason));
      item.put("changed_by", AttributeValue.fromS(by));
      item.put("changed_at", AttributeValue.fromS(now.toString()));
      item.put("version", number(version + 1));
      item.put("format_version", number(FORMAT_VERSION));
      Map<String, AttributeValue> audit = new HashMap<>();
      audit.put("group", AttributeValue.fromS(KEY));
      audit.put("at", AttributeValue.fromS(now + "#" + UUID.randomUUID()));
      audit.put("from_region", AttributeValue.fromS(current.map(ActiveRegion::region).orElse("")));
      audit.put("to_region", AttributeValue.fromS(region));
      audit.put("reason", AttributeValue.fromS(reason));
      audit.put("changed_by", AttributeValue.fromS(by));
      audit.put("format_version", number(FORMAT_VERSION));
      if (AuditedPut.put(client, tables.groupControl(), item, version, tables.audit(), audit)) {
        return true;
      }
      if (attempt == ATTEMPTS) {
        throw new IllegalStateException(
            "the active region kept changing under " + ATTEMPTS + " tries");
      }
      // another failover came first: read it and decide again
    }
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
