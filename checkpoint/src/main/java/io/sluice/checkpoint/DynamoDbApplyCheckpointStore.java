package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.FormatVersion;
import io.sluice.checkpoint.internal.GroupItems;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Apply checkpoints in DynamoDB: one item per (group, partition), written in one transaction with a
 * check that the writer still holds the partition's lease (owner, epoch, not expired) and a
 * condition that the stored offset is not ahead of the new one.
 */
public final class DynamoDbApplyCheckpointStore implements ApplyCheckpointStore {
  private static final int FORMAT_VERSION = 1;

  private final DynamoDbClient client;
  private final String table;
  private final String leases;
  private final Clock clock;

  public DynamoDbApplyCheckpointStore(DynamoDbClient client, StateTables tables) {
    this(client, tables, Clock.systemUTC());
  }

  /**
   * @param clock the clock leases expire on, as the lease store's
   */
  public DynamoDbApplyCheckpointStore(DynamoDbClient client, StateTables tables, Clock clock) {
    this.client = client;
    this.table = tables.applyCheckpoints();
    this.leases = tables.leases();
    this.clock = clock;
  }

  @Override
  public Map<Integer, ApplyCheckpoint> load(String group) {
    Map<Integer, ApplyCheckpoint> out = new HashMap<>();
    for (Map<String, AttributeValue> item : GroupItems.of(client, table, group)) {
      int partition = Integer.parseInt(item.get("partition").n());
      FormatVersion.require(
          item,
          FORMAT_VERSION,
          "apply checkpoint of group " + group + " partition " + partition + " in " + table);
      out.put(
          partition,
          new ApplyCheckpoint(
              group,
              partition,
              Long.parseLong(item.get("next_offset").n()),
              Long.parseLong(item.get("lsn").n())));
    }
    return out;
  }

  @Override
  public void save(ApplyCheckpoint c, Lease lease) {
    if (!lease.group().equals(c.group()) || lease.partition() != c.partition()) {
      throw new IllegalArgumentException(
          "checkpoint of " + c.group() + "/" + c.partition() + " under the lease of another one");
    }
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("group", AttributeValue.fromS(c.group()));
    item.put("partition", AttributeValue.fromN(Integer.toString(c.partition())));
    item.put("next_offset", AttributeValue.fromN(Long.toString(c.nextOffset())));
    item.put("lsn", AttributeValue.fromN(Long.toString(c.lsn())));
    item.put("format_version", AttributeValue.fromN(Integer.toString(FORMAT_VERSION)));
    Instant now = clock.instant();
    item.put("updated_at", AttributeValue.fromS(now.toString()));
    TransactWriteItem fence = DynamoDbLeaseStore.fenceCheck(leases, lease, now);
    TransactWriteItem put =
        TransactWriteItem.builder()
            .put(
                b ->
                    b.tableName(table)
                        .item(item)
                        .conditionExpression(
                            "attribute_not_exists(next_offset) OR next_offset <= :o")
                        .expressionAttributeValues(
                            Map.of(":o", AttributeValue.fromN(Long.toString(c.nextOffset())))))
            .build();
    try {
      client.transactWriteItems(b -> b.transactItems(fence, put));
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
        throw new LeaseLostException(
            "checkpoint of group "
                + c.group()
                + " partition "
                + c.partition()
                + " refused: the lease of epoch "
                + lease.epoch()
                + " held by "
                + lease.owner()
                + " expired or passed to another worker");
      }
      if (reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
        throw new CheckpointConflictException(
            "checkpoint of group "
                + c.group()
                + " partition "
                + c.partition()
                + " is already past offset "
                + c.nextOffset()
                + "; another worker applied it");
      }
      throw e;
    }
  }
}
