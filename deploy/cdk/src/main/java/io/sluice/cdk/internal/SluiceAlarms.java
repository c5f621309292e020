package io.sluice.cdk.internal;

import io.sluice.cdk.MskMode;
import io.sluice.cdk.SluiceStackConfig;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.Operation;
import software.amazon.awscdk.services.dynamodb.SystemErrorsForOperationsMetricOptions;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * CloudWatch alarms on what AWS publishes by itself, no agent needed, mailed through one SNS topic:
 * each group's backlog on MSK, throttling and server errors of each state table, the brokers' disks
 * (provisioned), and the WAL the source's replication slots hold (when the source is on RDS).
 * sluice's own metrics (lag in seconds, pauses, leases) stay with Prometheus and the rules in
 * {@code deploy/prometheus}: they reach CloudWatch only through an agent this stack does not
 * install.
 */
public final class SluiceAlarms extends Construct {
  private static final Duration PERIOD = Duration.minutes(5);

  /** The DynamoDB operations sluice's stores send; their server errors raise the alarm. */
  static final List<Operation> OPERATIONS =
      List.of(
          Operation.GET_ITEM,
          Operation.PUT_ITEM,
          Operation.UPDATE_ITEM,
          Operation.DELETE_ITEM,
          Operation.QUERY,
          Operation.SCAN,
          Operation.BATCH_WRITE_ITEM,
          Operation.TRANSACT_WRITE_ITEMS);

  private final SluiceStackConfig config;
  private final Topic topic;
  private final SnsAction action;

  public SluiceAlarms(
      Construct scope,
      String id,
      SluiceStackConfig config,
      List<ITable> tables,
      KafkaCluster kafka) {
    super(scope, id);
    this.config = config;
    topic =
        Topic.Builder.create(this, "Topic")
            .displayName("sluice " + config.pipeline() + " alarms")
            .build();
    config.alarmEmails().forEach(e -> topic.addSubscription(new EmailSubscription(e)));
    action = new SnsAction(topic);
    for (String group : config.groups()) {
      consumerLag(config, kafka, group);
    }
    // the pipeline's tables in StateTableSpec order, then the reverse pipeline's, if any
    int n = StateTableSpec.ALL.size();
    for (int i = 0; i < tables.size(); i++) {
      tableAlarms(
          tables.get(i), (i >= n ? "reverse-" : "") + StateTableSpec.ALL.get(i % n).suffix());
    }
    if (config.mskMode() == MskMode.PROVISIONED) {
      for (int broker = 1; broker <= config.mskBrokers(); broker++) {
        brokerDisk(kafka, broker);
      }
    }
    config.sourceDbInstanceId().ifPresent(db -> slotLag(config, db));
  }

  public Topic topic() {
    return topic;
  }

  /**
   * Apply commits each batch's offsets to the group after its DynamoDB checkpoint, so MSK's lag of
   * the group is apply's backlog. The group has no members (apply assigns partitions itself), a
   * state MSK publishes lag for.
   */
  private void consumerLag(SluiceStackConfig config, KafkaCluster kafka, String group) {
    Metric lag =
        Metric.Builder.create()
            .namespace("AWS/Kafka")
            .metricName("MaxOffsetLag")
            .dimensionsMap(
                Map.of(
                    "Cluster Name", kafka.clusterName(),
                    "Consumer Group", config.consumerGroup(group),
                    "Topic", config.topic(group)))
            .statistic("Maximum")
            .period(PERIOD)
            .build();
    alarm(
        "Lag-" + group,
        lag,
        config.lagAlarmOffsets(),
        3,
        3,
        "Group "
            + group
            + ": a partition of "
            + config.topic(group)
            + " is more than "
            + config.lagAlarmOffsets()
            + " changes behind for 15 minutes (apply slow, stopped or paused)."
            + " Runbook: docs/runbook.md.");
  }

  private void tableAlarms(ITable table, String suffix) {
    Map<String, String> dims = Map.of("TableName", table.getTableName());
    IMetric throttles =
        MathExpression.Builder.create()
            .expression("FILL(r, 0) + FILL(w, 0)")
            .usingMetrics(
                Map.of(
                    "r",
                    dynamo("ReadThrottleEvents", dims),
                    "w",
                    dynamo("WriteThrottleEvents", dims)))
            .label("throttle events")
            .period(PERIOD)
            .build();
    alarm(
        "Throttles-" + suffix,
        throttles,
        1,
        3,
        2,
        "DynamoDB throttles requests on state table "
            + suffix
            + " in 2 of 15 minutes; sluice retries, but checkpoints and leases lag.");
    IMetric errors =
        table.metricSystemErrorsForOperations(
            SystemErrorsForOperationsMetricOptions.builder()
                .operations(OPERATIONS)
                .period(PERIOD)
                .build());
    alarm(
        "Errors-" + suffix,
        errors,
        1,
        3,
        2,
        "DynamoDB answers requests on state table "
            + suffix
            + " with server errors in 2 of 15 minutes.");
  }

  private void brokerDisk(KafkaCluster kafka, int broker) {
    Metric used =
        Metric.Builder.create()
            .namespace("AWS/Kafka")
            .metricName("KafkaDataLogsDiskUsed")
            .dimensionsMap(
                Map.of("Cluster Name", kafka.clusterName(), "Broker ID", Integer.toString(broker)))
            .statistic("Maximum")
            .period(PERIOD)
            .build();
    alarm(
        "BrokerDisk-" + broker,
        used,
        80,
        3,
        3,
        "MSK broker "
            + broker
            + " has used over 80% of its data disk for 15 minutes: a full disk stops"
            + " capture. Raise mskVolumeGib or shorten retention.");
  }

  private void slotLag(SluiceStackConfig config, String db) {
    Metric lag =
        Metric.Builder.create()
            .namespace("AWS/RDS")
            .metricName("OldestReplicationSlotLag")
            .dimensionsMap(Map.of("DBInstanceIdentifier", db))
            .statistic("Maximum")
            .period(PERIOD)
            .build();
    alarm(
        "SlotLag",
        lag,
        config.slotLagAlarmBytes(),
        3,
        3,
        "A replication slot of source "
            + db
            + " holds more than "
            + config.slotLagAlarmBytes()
            + " bytes of WAL for 15 minutes: capture is behind or stopped, and the source's"
            + " disk fills.");
  }

  private static Metric dynamo(String name, Map<String, String> dims) {
    return Metric.Builder.create()
        .namespace("AWS/DynamoDB")
        .metricName(name)
        .dimensionsMap(dims)
        .statistic("Sum")
        .period(PERIOD)
        .build();
  }

  private void alarm(
      String id, IMetric metric, double threshold, int periods, int breaching, String description) {
    Alarm alarm =
        Alarm.Builder.create(this, id)
            .alarmName(config.stackName() + "-" + id)
            .metric(metric)
            .threshold(threshold)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .evaluationPeriods(periods)
            .datapointsToAlarm(breaching)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .alarmDescription(description)
            .build();
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
