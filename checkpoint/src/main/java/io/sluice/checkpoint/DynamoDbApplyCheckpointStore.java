package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.FormatVersion;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Apply checkpoints in DynamoDB: one item per (group, partition), written with a condition that the
 * stored offset is not ahead of the new one.
 */
public final class DynamoDbApplyCheckpointStore implements ApplyCheckpointStore {
  private static final int FORMAT_VERSION = 1;

  private final DynamoDbClient client;
  private final String table;

  public DynamoDbApplyCheckpointStore(DynamoDbClient client, StateTables tables) {
    this.client = client;
    this.table = tables.applyCheckpoints();
  }

  @Override
  public Map<Integer, ApplyCheckpoint> load(String group) {
    Map<Integer, ApplyCheckpoint> out = new HashMap<>();
    Map<String, AttributeValue> startKey = null;
    do {
      Map<String, AttributeValue> exclusiveStart = startKey;
      QueryResponse r =
          client.query(
              b ->
                  b.tableName(table)
                      .consistentRead(true)
                      .keyConditionExpression("#g = :g")
                      .expressionAttributeNames(Map.of("#g", "group"))
                      .expressionAttributeValues(Map.of(":g", AttributeValue.fromS(group)))
                      .exclusiveStartKey(exclusiveStart));
      for (Map<String, AttributeValue> item : r.items()) {
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
      startKey =
          r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    } while (startKey != null);
    return out;
  }

  @Override
  public void save(ApplyCheckpoint c) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("group", AttributeValue.fromS(c.group()));
    item.put("partition", AttributeValue.fromN(Integer.toString(c.partition())));
    item.put("next_offset", AttributeValue.fromN(Long.toString(c.nextOffset())));
    item.put("lsn", AttributeValue.fromN(Long.toString(c.lsn())));
    item.put("format_version", AttributeValue.fromN(Integer.toString(FORMAT_VERSION)));
    item.put("updated_at", AttributeValue.fromS(Instant.now().toString()));
    try {
      client.putItem(
          b ->
              b.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(next_offset) OR next_offset <= :o")
                  .expressionAttributeValues(
                      Map.of(":o", AttributeValue.fromN(Long.toString(c.nextOffset())))));
    } catch (ConditionalCheckFailedException e) {
      throw new CheckpointConflictException(
          "checkpoint of group "
              + c.group()
              + " partition "
              + c.partition()
              + " is already past offset "
              + c.nextOffset()
              + "; another worker applied it");
    }
  }
}
