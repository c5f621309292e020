package io.sluice.checkpoint.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Reads every item of one group from a table keyed by {@code group}, page after page. */
public final class GroupItems {
  private GroupItems() {}

  /** All items of the group, consistently read, in sort-key order. */
  public static List<Map<String, AttributeValue>> of(
      DynamoDbClient client, String table, String group) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
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
      out.addAll(r.items());
      startKey =
          r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
    } while (startKey != null);
    return out;
  }
}
