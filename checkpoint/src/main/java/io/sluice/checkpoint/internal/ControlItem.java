package io.sluice.checkpoint.internal;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item of the group control table by its key (a group, or a pipeline-wide item such as {@code
 * :cutover}), read consistently.
 */
public final class ControlItem {
  private ControlItem() {}

  public static Optional<Map<String, AttributeValue>> read(
      DynamoDbClient client, String table, String key) {
    Map<String, AttributeValue> item =
        client
            .getItem(
                b ->
                    b.tableName(table)
                        .key(Map.of("group", AttributeValue.fromS(key)))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }
}
