package io.sluice.cdk.internal;

import io.sluice.cdk.SluiceStackConfig;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * What the sluice pods may do, each statement scoped to the resources sluice uses.
 *
 * <ul>
 *   <li>DynamoDB: the item operations of the stores, on the pipeline's tables only. Transactions
 *       need no action of their own: each of their items is checked as a put, an update or a
 *       condition check. {@code ListTables} at start (every process checks its tables exist with
 *       one listing) supports no resource but {@code *}. Table creation and description are not
 *       granted: the tables exist, so sluice never asks.
 *   <li>MSK: connect and idempotent writes (capture's producer is idempotent, Kafka's default for
 *       the dead-letter producer too) on the cluster; create, describe, read, write, and read and
 *       raise the topic settings on the topics with the pipeline's prefix (capture creates them and
 *       raises {@code max.message.bytes}; apply creates the dead-letter topics and reads their
 *       settings); read and commit offsets of the pipeline's consumer groups.
 *   <li>{@code rds-db:connect} as the configured database users, when there are any.
 *   <li>{@code secretsmanager:GetSecretValue} on the configured password secrets, when there are
 *       any (a secret encrypted with a customer managed key also needs {@code kms:Decrypt} on it,
 *       which the key's policy grants).
 * </ul>
 */
final class PodPolicy {
  static final List<String> DYNAMODB_ACTIONS =
      List.of(
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
          "dynamodb:ConditionCheckItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:Query",
          "dynamodb:Scan");

  private PodPolicy() {}

  static List<PolicyStatement> statements(
      SluiceStackConfig config, List<ITable> tables, KafkaCluster kafka) {
    List<PolicyStatement> out = new ArrayList<>();
    out.add(
        allow("StateTables", DYNAMODB_ACTIONS, tables.stream().map(ITable::getTableArn).toList()));
    out.add(allow("StateTablesExist", List.of("dynamodb:ListTables"), List.of("*")));
    out.add(
        allow(
            "KafkaCluster",
            List.of("kafka-cluster:Connect", "kafka-cluster:WriteDataIdempotently"),
            List.of(kafka.clusterArn())));
    out.add(
        allow(
            "KafkaTopics",
            List.of(
                "kafka-cluster:CreateTopic",
                "kafka-cluster:DescribeTopic",
                "kafka-cluster:WriteData",
                "kafka-cluster:ReadData",
                "kafka-cluster:DescribeTopicDynamicConfiguration",
                "kafka-cluster:AlterTopicDynamicConfiguration"),
            List.of(kafka.resourceArn("topic", config.topicPrefix() + ".*"))));
    out.add(
        allow(
            "KafkaConsumerGroups",
            List.of("kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"),
            config.cutover()
                ? List.of(
                    kafka.resourceArn("group", config.consumerGroupPrefix() + "*"),
                    kafka.resourceArn("group", config.reverseConsumerGroupPrefix() + "*"))
                : List.of(kafka.resourceArn("group", config.consumerGroupPrefix() + "*"))));
    if (!config.dbUsers().isEmpty()) {
      String prefix =
          "arn:"
              + Aws.PARTITION
              + ":rds-db:"
              + Aws.REGION
              + ":"
              + Aws.ACCOUNT_ID
              + ":dbuser:"
              + config.dbResourceId().orElseThrow()
              + "/";
      out.add(
          allow(
              "TargetDatabaseUsers",
              List.of("rds-db:connect"),
              config.dbUsers().stream().map(u -> prefix + u).toList()));
    }
    if (!config.passwordSecretArns().isEmpty()) {
      out.add(
          allow(
              "DatabasePasswords",
              List.of("secretsmanager:GetSecretValue"),
              config.passwordSecretArns()));
    }
    return out;
  }

  private static PolicyStatement allow(String sid, List<String> actions, List<String> resources) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.ALLOW)
        .actions(actions)
        .resources(resources)
        .build();
  }
}
