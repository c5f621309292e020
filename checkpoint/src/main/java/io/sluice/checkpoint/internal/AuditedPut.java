package io.sluice.checkpoint.internal;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Replaces a versioned control item together with the audit record of the change, in one DynamoDB
 * transaction that holds only if the stored item is still at the version read: two operators (or
 * two commands) acting on the same state cannot both win.
 */
public final class AuditedPut {
  private AuditedPut() {}

  /**
   * @param item the new item, with its {@code version} attribute already raised
   * @param readVersion the version read; 0 when there was no item
   * @return false when the stored item moved since it was read: read again and decide again
   */
  public static boolean put(
      DynamoDbClient client,
      String table,
      Map<String, AttributeValue> item,
      long readVersion,
      String auditTable,
      Map<String, AttributeValue> audit) {
    TransactWriteItem put =
        TransactWriteItem.builder()
            .put(
                b -> {
                  b.tableName(table).item(item);
                  if (readVersion == 0) {
                    b.conditionExpression("attribute_not_exists(version)");
                  } else {
                    b.conditionExpression("version = :v")
                        .expressionAttributeValues(
                            Map.of(":v", AttributeValue.fromN(Long.toString(readVersion))));
                  }
                })
            .build();
    TransactWriteItem record =
        TransactWriteItem.builder().put(b -> b.tableName(auditTable).item(audit)).build();
    try {
      client.transactWriteItems(b -> b.transactItems(put, record));
      return true;
    } catch (TransactionCanceledException raced) {
      return false;
    }
  }
}
