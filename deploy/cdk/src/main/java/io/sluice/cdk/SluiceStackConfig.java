package io.sluice.cdk;

import java.util.List;
import java.util.Optional;

/**
 * Everything the stack of one pipeline is built from, read once from CDK context by {@link
 * StackConfigReader} and validated there. Names follow sluice's own defaults, so a pipeline
 * configured with defaults finds its tables, topics and consumer groups where this stack grants
 * them.
 *
 * @param stackName the CloudFormation stack
 * @param pipeline {@code pipeline.name} of the sluice configuration
 * @param tablePrefix {@code dynamodb.table-prefix}
 * @param topicPrefix {@code kafka.topic-prefix}
 * @param groups the table groups ({@code groups[].name}): one lag alarm each
 * @param mskMode serverless or provisioned
 * @param mskBrokers broker count (provisioned)
 * @param mskInstanceType broker instance type (provisioned)
 * @param mskKafkaVersion Kafka version (provisioned)
 * @param mskVolumeGib EBS storage per broker in GiB (provisioned)
 * @param vpcId the VPC of the MSK cluster
 * @param subnetIds subnets of the MSK cluster, one per availability zone
 * @param kafkaClientSecurityGroupIds security groups of the pods that reach MSK
 * @param eksClusterName the EKS cluster the pods run on
 * @param namespace the pods' namespace
 * @param serviceAccount the pods' ServiceAccount
 * @param irsaOidcProviderArn the cluster's IAM OIDC provider, to trust IRSA as well
 * @param dbResourceId resource id of the Aurora cluster for {@code rds-db:connect}
 * @param dbUsers database users the pods may connect as with IAM authentication
 * @param passwordSecretArns Secrets Manager secrets the pods may read passwords from ({@code
 *     source.password-secret}, {@code target.password-secret})
 * @param sourceDbInstanceId RDS instance of the source, for the replication slot alarm
 * @param alarmEmails who receives the alarms
 * @param lagAlarmOffsets backlog (Kafka offsets) of a group that raises its lag alarm
 * @param slotLagAlarmBytes WAL a replication slot of the source may hold before its alarm
 * @param budgetMonthlyUsd the monthly cost budget in USD
 * @param budgetActualPercent share of the budget actually spent that notifies
 * @param budgetEmails who receives the budget notifications
 * @param costTagKey the cost-allocation tag on every resource
 * @param costTagValue its value
 * @param cutover whether the reverse pipeline of {@code sluice cutover} gets its state tables and
 *     consumer groups too
 * @param region the stack's region; empty for an environment-agnostic stack
 * @param replicaRegions other regions whose replicas of the state tables (global tables) this stack
 *     makes
 * @param tablesRegion the region whose stack made the global tables this stack uses
 */
public record SluiceStackConfig(
    String stackName,
    String pipeline,
    String tablePrefix,
    String topicPrefix,
    List<String> groups,
    MskMode mskMode,
    int mskBrokers,
    String mskInstanceType,
    String mskKafkaVersion,
    int mskVolumeGib,
    String vpcId,
    List<String> subnetIds,
    List<String> kafkaClientSecurityGroupIds,
    String eksClusterName,
    String namespace,
    String serviceAccount,
    Optional<String> irsaOidcProviderArn,
    Optional<String> dbResourceId,
    List<String> dbUsers,
    List<String> passwordSecretArns,
    Optional<String> sourceDbInstanceId,
    List<String> alarmEmails,
    long lagAlarmOffsets,
    long slotLagAlarmBytes,
    double budgetMonthlyUsd,
    int budgetActualPercent,
    List<String> budgetEmails,
    String costTagKey,
    String costTagValue,
    boolean cutover,
    Optional<String> region,
    List<String> replicaRegions,
    Optional<String> tablesRegion) {

  public SluiceStackConfig {
    groups = List.copyOf(groups);
    subnetIds = List.copyOf(subnetIds);
    kafkaClientSecurityGroupIds = List.copyOf(kafkaClientSecurityGroupIds);
    dbUsers = List.copyOf(dbUsers);
    passwordSecretArns = List.copyOf(passwordSecretArns);
    alarmEmails = List.copyOf(alarmEmails);
    budgetEmails = List.copyOf(budgetEmails);
    replicaRegions = List.copyOf(replicaRegions);
  }

  /** The MSK cluster's name: the pipeline's, with {@code _} (which MSK refuses) as {@code -}. */
  public String mskClusterName() {
    return "sluice-" + pipeline.replace('_', '-');
  }

  /**
   * Consumer group of a table group, as apply names it: {@code sluice-apply-<pipeline>-<group>}.
   */
  public String consumerGroup(String group) {
    return consumerGroupPrefix() + group;
  }

  /** The reverse pipeline's state table prefix, as {@code sluice cutover} names it. */
  public String reverseTablePrefix() {
    return tablePrefix + "reverse-";
  }

  /** What every consumer group of the reverse pipeline starts with. */
  public String reverseConsumerGroupPrefix() {
    return "sluice-apply-" + pipeline + "_reverse-";
  }

  /** What every consumer group of the pipeline starts with. */
  public String consumerGroupPrefix() {
    return "sluice-apply-" + pipeline + "-";
  }

  /** Topic of a table group: {@code <topic-prefix>.<group>}. */
  public String topic(String group) {
    return topicPrefix + "." + group;
  }
}
