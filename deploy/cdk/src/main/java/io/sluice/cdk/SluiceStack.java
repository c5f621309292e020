package io.sluice.cdk;

import io.sluice.cdk.internal.CostBudget;
import io.sluice.cdk.internal.KafkaCluster;
import io.sluice.cdk.internal.PodRole;
import io.sluice.cdk.internal.SluiceAlarms;
import io.sluice.cdk.internal.StateTableSet;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.constructs.Construct;

/**
 * The AWS resources of one sluice pipeline: its DynamoDB state tables, an MSK cluster with IAM
 * access control, the IAM role of its pods, CloudWatch alarms mailed through SNS, and a cost
 * budget; every resource carries the cost-allocation tag.
 *
 * <p>Environment-agnostic: it looks nothing up, so {@code cdk synth} needs no credentials, and
 * region and account are those of the deployment.
 */
public final class SluiceStack extends Stack {
  public SluiceStack(Construct scope, SluiceStackConfig config) {
    super(
        scope,
        config.stackName(),
        StackProps.builder()
            .stackName(config.stackName())
            .description("sluice pipeline " + config.pipeline())
            .env(config.region().map(r -> Environment.builder().region(r).build()).orElse(null))
            .build());
    List<ITable> tables = new ArrayList<>(stateTables(config, "State", config.tablePrefix()));
    if (config.cutover()) {
      tables.addAll(stateTables(config, "ReverseState", config.reverseTablePrefix()));
    }
    KafkaCluster kafka = new KafkaCluster(this, "Kafka", config);
    PodRole pods = new PodRole(this, "Pods", config, tables, kafka);
    SluiceAlarms alarms = new SluiceAlarms(this, "Alarms", config, tables, kafka);
    new CostBudget(this, "Cost", config);
    Tags.of(this).add(config.costTagKey(), config.costTagValue());

    output("KafkaClusterArn", kafka.clusterArn(), "for aws kafka get-bootstrap-brokers");
    output("PodRoleArn", pods.role().getRoleArn(), "the pods' role (IRSA annotation if used)");
    output("AlarmTopicArn", alarms.topic().getTopicArn(), "where the alarms go");
    output("TablePrefix", config.tablePrefix(), "dynamodb.table-prefix");
    output("TopicPrefix", config.topicPrefix(), "kafka.topic-prefix");
  }

  /** The state tables: made here (plain or global), or another region's global tables' replicas. */
  private List<ITable> stateTables(SluiceStackConfig config, String id, String prefix) {
    if (config.tablesRegion().isPresent()) {
      return StateTableSet.replicas(this, id, prefix).tables();
    }
    return new StateTableSet(this, id, prefix, config.replicaRegions()).tables();
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }
}
