package io.sluice.checkpoint;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Names and creates the DynamoDB tables of one environment. Tables are on-demand and created if
 * absent; in production the CDK app creates them first and this is a no-op.
 */
public final class StateTables {
  private static final Logger log = LoggerFactory.getLogger(StateTables.class);

  private final String prefix;

  public StateTables(String prefix) {
    this.prefix = prefix;
  }

  /** Source offsets of capture: one item per pipeline. */
  public String sourceOffsets() {
    return prefix + "source-offsets";
  }

  /** Apply checkpoints: one item per group partition. */
  public String applyCheckpoints() {
    return prefix + "apply-checkpoints";
  }

  /** Leases: one item per group partition, naming its owner. */
  public String leases() {
    return prefix + "leases";
  }

  /** Desired state of each group: one item per group. */
  public String groupControl() {
    return prefix + "group-control";
  }

  /** Every change of a group's desired state: items by group, then time. */
  public String audit() {
    return prefix + "audit";
  }

  /** What each apply worker reports: items by group, then worker. */
  public String workers() {
    return prefix + "workers";
  }

  /** Initial load progress: the plan, then one item per chunk. */
  public String loadProgress() {
    return prefix + "load-progress";
  }

  /** Every table of the environment. */
  public List<String> all() {
    return List.of(
        sourceOffsets(),
        applyCheckpoints(),
        leases(),
        groupControl(),
        audit(),
        workers(),
        loadProgress());
  }

  /**
   * Creates any missing table and waits until all are active. One request finds them when they
   * exist (a listing of the tables with the prefix), as an operator command wants.
   */
  public void ensureExist(DynamoDbClient client) {
    java.util.Set<String> present = new java.util.HashSet<>();
    String last = all().stream().max(String::compareTo).orElseThrow();
    // names come in order: from just before the prefix to the last of ours is enough
    for (String name :
        client
            .listTablesPaginator(b -> b.exclusiveStartTableName(prefix.isEmpty() ? null : prefix))
            .tableNames()) {
      if (name.compareTo(last) > 0) {
        break;
      }
      present.add(name);
    }
    createUnless(
        present,
        client,
        sourceOffsets(),
        List.of(key("pipeline", ScalarAttributeType.S, KeyType.HASH)));
    createUnless(
        present, client, applyCheckpoints(), byGroupAnd("partition", ScalarAttributeType.N));
    createUnless(present, client, leases(), byGroupAnd("partition", ScalarAttributeType.N));
    createUnless(
        present,
        client,
        groupControl(),
        List.of(key("group", ScalarAttributeType.S, KeyType.HASH)));
    createUnless(present, client, audit(), byGroupAnd("at", ScalarAttributeType.S));
    createUnless(present, client, workers(), byGroupAnd("worker", ScalarAttributeType.S));
    createUnless(
        present,
        client,
        loadProgress(),
        List.of(
            key("table", ScalarAttributeType.S, KeyType.HASH),
            key("chunk", ScalarAttributeType.N, KeyType.RANGE)));
  }

  private static void createUnless(
      java.util.Set<String> present, DynamoDbClient client, String table, List<KeyAttr> keys) {
    if (!present.contains(table)) {
      create(client, table, keys);
    }
  }

  /** Keyed by group, then by {@code sortKey}. */
  private static List<KeyAttr> byGroupAnd(String sortKey, ScalarAttributeType type) {
    return List.of(
        key("group", ScalarAttributeType.S, KeyType.HASH), key(sortKey, type, KeyType.RANGE));
  }

  private static void create(DynamoDbClient client, String table, List<KeyAttr> keys) {
    try {
      client.describeTable(b -> b.tableName(table));
      return;
    } catch (ResourceNotFoundException absent) {
      // create it below
    }
    try {
      client.createTable(
          CreateTableRequest.builder()
              .tableName(table)
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .attributeDefinitions(
                  keys.stream()
                      .map(
                          k ->
                              AttributeDefinition.builder()
                                  .attributeName(k.name)
                                  .attributeType(k.type)
                                  .build())
                      .toList())
              .keySchema(
                  keys.stream()
                      .map(
                          k ->
                              KeySchemaElement.builder()
                                  .attributeName(k.name)
                                  .keyType(k.keyType)
                                  .build())
                      .toList())
              .build());
      log.info("created DynamoDB table {}", table);
    } catch (ResourceInUseException raced) {
      // another process created it first
    }
    client.waiter().waitUntilTableExists(b -> b.tableName(table));
  }

  private static KeyAttr key(String name, ScalarAttributeType type, KeyType keyType) {
    return new KeyAttr(name, type, keyType);
  }

  private record KeyAttr(String name, ScalarAttributeType type, KeyType keyType) {}
}
