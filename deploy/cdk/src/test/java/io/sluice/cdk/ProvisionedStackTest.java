package io.sluice.cdk;

import static io.sluice.cdk.StackFixture.Synthesized.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.TagManager;
import software.amazon.awscdk.assertions.Match;
import software.constructs.IConstruct;

/** The stack of a provisioned MSK pipeline with every option set, synthesized once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisionedStackTest {
  private static final String OIDC =
      "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123";
  private static final String KAFKA = "arn:aws:kafka:eu-west-1:111122223333:";
  private static final String CLUSTER = "sluice-orders/" + Intrinsics.MSK_UUID;

  private static final String SOURCE_SECRET =
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sluice/orders/source-AbCdEf";

  private StackFixture.Synthesized s;
  private Intrinsics intrinsics;

  @BeforeAll
  void synth() {
    NodeTools.node();
    Map<String, Object> c = StackFixture.context();
    c.put("irsaOidcProviderArn", OIDC);
    c.put("dbResourceId", "cluster-ABCDEFGHIJKL0123");
    c.put("dbUsers", "sluice_apply,sluice_ctl");
    c.put("passwordSecretArns", SOURCE_SECRET);
    c.put("sourceDbInstanceId", "trading-source-1");
    s = StackFixture.synth(c);
    intrinsics = new Intrinsics(s.resources());
  }

  @Test
  void stateTablesAreSluicesSevenOnDemandWithRecoveryAndDeletionProtection() {
    Map<String, String> keys = new TreeMap<>();
    s.resources("AWS::DynamoDB::Table")
        .values()
        .forEach(
            r -> {
              Map<String, Object> p = properties(r);
              assertThat(p)
                  .containsEntry("BillingMode", "PAY_PER_REQUEST")
                  .containsEntry("DeletionProtectionEnabled", true)
                  .containsEntry(
                      "PointInTimeRecoverySpecification",
                      Map.of("PointInTimeRecoveryEnabled", true))
                  .doesNotContainKeys("TimeToLiveSpecification", "GlobalSecondaryIndexes");
              assertThat(r).containsEntry("DeletionPolicy", "Retain");
              keys.put(String.valueOf(p.get("TableName")), keySchema(p));
            });
    assertThat(keys)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "sluice-orders-source-offsets", "pipeline:S",
                "sluice-orders-apply-checkpoints", "group:S partition:N",
                "sluice-orders-leases", "group:S partition:N",
                "sluice-orders-group-control", "group:S",
                "sluice-orders-audit", "group:S at:S",
                "sluice-orders-workers", "group:S worker:S",
                "sluice-orders-load-progress", "table:S chunk:N"));
    s.template()
        .hasResourceProperties(
            "AWS::DynamoDB::Table",
            Match.objectLike(
                Map.of(
                    "TableName",
                    "sluice-orders-leases",
                    "KeySchema",
                    List.of(
                        Map.of("AttributeName", "group", "KeyType", "HASH"),
                        Map.of("AttributeName", "partition", "KeyType", "RANGE")))));
  }

  @Test
  void mskIsProvisionedWithIamOnlyOverTlsReachableFromThePodsOnly() {
    s.template().resourceCountIs("AWS::MSK::Cluster", 1);
    s.template().resourceCountIs("AWS::MSK::ServerlessCluster", 0);
    s.template()
        .hasResourceProperties(
            "AWS::MSK::Cluster",
            Match.objectLike(
                Map.of(
                    "ClusterName",
                    "sluice-orders",
                    "NumberOfBrokerNodes",
                    3,
                    "ClientAuthentication",
                    Map.of(
                        "Sasl", Map.of("Iam", Map.of("Enabled", true)),
                        "Unauthenticated", Map.of("Enabled", false)),
                    "EncryptionInfo",
                    Map.of("EncryptionInTransit", Map.of("ClientBroker", "TLS", "InCluster", true)),
                    "EnhancedMonitoring",
                    "DEFAULT")));
    Map<String, Object> sg =
        properties(s.resources("AWS::EC2::SecurityGroup").values().iterator().next());
    assertThat(sg.get("SecurityGroupIngress"))
        .isEqualTo(
            List.of(
                Map.of(
                    "IpProtocol",
                    "tcp",
                    "FromPort",
                    9098,
                    "ToPort",
                    9098,
                    "SourceSecurityGroupId",
                    StackFixture.CLIENT_SG,
                    "Description",
                    "sluice pods, SASL/IAM")));
  }

  @Test
  void podPolicyGrantsExactlyTheTablesTopicsAndGroupsOfThePipeline() {
    List<Map<String, Object>> statements = podStatements();
    String table = "arn:aws:dynamodb:eu-west-1:111122223333:table/sluice-orders-";
    assertThat(statements)
        .containsExactly(
            statement(
                "StateTables",
                List.of(
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:BatchWriteItem",
                    "dynamodb:Query",
                    "dynamodb:Scan"),
                List.of(
                    table + "source-offsets",
                    table + "apply-checkpoints",
                    table + "leases",
                    table + "group-control",
                    table + "audit",
                    table + "workers",
                    table + "load-progress")),
            statement("StateTablesExist", List.of("dynamodb:ListTables"), List.of("*")),
            statement(
                "KafkaCluster",
                List.of("kafka-cluster:Connect", "kafka-cluster:WriteDataIdempotently"),
                List.of(KAFKA + "cluster/" + CLUSTER)),
            statement(
                "KafkaTopics",
                List.of(
                    "kafka-cluster:CreateTopic",
                    "kafka-cluster:DescribeTopic",
                    "kafka-cluster:WriteData",
                    "kafka-cluster:ReadData",
                    "kafka-cluster:DescribeTopicDynamicConfiguration",
                    "kafka-cluster:AlterTopicDynamicConfiguration"),
                List.of(KAFKA + "topic/" + CLUSTER + "/sluice.orders.*")),
            statement(
                "KafkaConsumerGroups",
                List.of("kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"),
                List.of(KAFKA + "group/" + CLUSTER + "/sluice-apply-orders-*")),
            statement(
                "TargetDatabaseUsers",
                List.of("rds-db:connect"),
                List.of(
                    "arn:aws:rds-db:eu-west-1:111122223333:dbuser:cluster-ABCDEFGHIJKL0123/sluice_apply",
                    "arn:aws:rds-db:eu-west-1:111122223333:dbuser:cluster-ABCDEFGHIJKL0123/sluice_ctl")),
            statement(
                "DatabasePasswords",
                List.of("secretsmanager:GetSecretValue"),
                List.of(SOURCE_SECRET)));
  }

  @Test
  void kafkaGrantsCoverThePipelinesTopicsAndGroupsAndNoOtherPipelines() {
    Map<String, Pattern> granted = new TreeMap<>();
    for (Map<String, Object> st : podStatements()) {
      for (String r : list(st.get("Resource"))) {
        if (!r.startsWith(KAFKA)) {
          continue; // ListTables' "*" is about DynamoDB
        }
        granted.put(r, Pattern.compile(Pattern.quote(r).replace("*", "\\E.*\\Q")));
      }
    }
    String topic = KAFKA + "topic/" + CLUSTER + "/";
    String group = KAFKA + "group/" + CLUSTER + "/";
    assertThat(matchesAny(granted, topic + s.config().topic("fills"))).isTrue();
    assertThat(matchesAny(granted, topic + s.config().topic("fills") + ".dead-letter")).isTrue();
    assertThat(matchesAny(granted, group + s.config().consumerGroup("reference"))).isTrue();
    assertThat(matchesAny(granted, topic + "sluice.orders_eu.fills")).isFalse();
    assertThat(matchesAny(granted, topic + "other.fills")).isFalse();
    assertThat(matchesAny(granted, group + "sluice-apply-orders_eu-fills")).isFalse();
    assertThat(matchesAny(granted, group + "connect-cluster")).isFalse();
    assertThat(matchesAny(granted, KAFKA + "cluster/other/" + Intrinsics.MSK_UUID)).isFalse();
  }

  @Test
  void onlyListTablesHasAWildcardResourceAndNoActionIsAWildcard() {
    for (Map<String, Object> st : podStatements()) {
      assertThat(list(st.get("Action"))).noneMatch(a -> a.contains("*"));
      if (list(st.get("Resource")).contains("*")) {
        assertThat(list(st.get("Action"))).containsExactly("dynamodb:ListTables");
      }
    }
  }

  @Test
  void podIdentityAndIrsaMayAssumeTheRoleForTheOneServiceAccount() {
    Map<String, Object> role = properties(s.resources("AWS::IAM::Role").values().iterator().next());
    Map<String, Object> trust = (Map<String, Object>) role.get("AssumeRolePolicyDocument");
    String issuer = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123";
    assertThat(trust.get("Statement"))
        .isEqualTo(
            List.of(
                Map.of(
                    "Sid", "EksPodIdentity",
                    "Effect", "Allow",
                    "Principal", Map.of("Service", "pods.eks.amazonaws.com"),
                    "Action", List.of("sts:AssumeRole", "sts:TagSession"),
                    "Condition",
                        Map.of(
                            "StringEquals",
                            Map.of(
                                "aws:RequestTag/eks-cluster-name", "prod",
                                "aws:RequestTag/kubernetes-namespace", "sluice",
                                "aws:RequestTag/kubernetes-service-account", "sluice"))),
                Map.of(
                    "Sid", "EksIrsa",
                    "Effect", "Allow",
                    "Principal", Map.of("Federated", OIDC),
                    "Action", "sts:AssumeRoleWithWebIdentity",
                    "Condition",
                        Map.of(
                            "StringEquals",
                            Map.of(
                                issuer + ":sub", "system:serviceaccount:sluice:sluice",
                                issuer + ":aud", "sts.amazonaws.com")))));
    s.template().resourceCountIs("AWS::IAM::Role", 1);
    s.template().resourceCountIs("AWS::IAM::Policy", 0);
    s.template()
        .hasResourceProperties(
            "AWS::EKS::PodIdentityAssociation",
            Match.objectLike(
                Map.of(
                    "ClusterName", "prod",
                    "Namespace", "sluice",
                    "ServiceAccount", "sluice",
                    "RoleArn",
                        Map.of(
                            "Fn::GetAtt",
                            List.of(
                                s.resources("AWS::IAM::Role").keySet().iterator().next(),
                                "Arn")))));
  }

  @Test
  void everyAlarmMailsTheTopicBothWays() {
    String topic = s.resources("AWS::SNS::Topic").keySet().iterator().next();
    Map<String, Map<String, Object>> alarms = s.resources("AWS::CloudWatch::Alarm");
    // 2 groups, 7 tables twice, 3 brokers, 1 source
    assertThat(alarms).hasSize(2 + 14 + 3 + 1);
    for (Map<String, Object> a : alarms.values()) {
      assertThat(properties(a))
          .containsEntry("AlarmActions", List.of(Map.of("Ref", topic)))
          .containsEntry("OKActions", List.of(Map.of("Ref", topic)))
          .containsEntry("TreatMissingData", "notBreaching");
    }
    assertThat(
            s.resources("AWS::SNS::Subscription").values().stream()
                .map(r -> properties(r).get("Protocol") + " " + properties(r).get("Endpoint")))
        .containsExactlyInAnyOrder("email oncall@example.com", "email data@example.com");
  }

  @Test
  void eachGroupAlarmsOnItsConsumerGroupsLagAsMskPublishesIt() {
    for (String group : List.of("fills", "reference")) {
      Map<String, Object> a = alarm("sluice-orders-Lag-" + group);
      assertThat(a)
          .containsEntry("Namespace", "AWS/Kafka")
          .containsEntry("MetricName", "MaxOffsetLag")
          .containsEntry("Statistic", "Maximum")
          .containsEntry("Threshold", 100000)
          .containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold");
      assertThat(dimensions(a))
          .isEqualTo(
              Map.of(
                  "Cluster Name", "sluice-orders",
                  "Consumer Group", "sluice-apply-orders-" + group,
                  "Topic", "sluice.orders." + group));
    }
  }

  @Test
  void brokerDisksAndSourceSlotsAlarm() {
    for (int broker = 1; broker <= 3; broker++) {
      Map<String, Object> a = alarm("sluice-orders-BrokerDisk-" + broker);
      assertThat(a)
          .containsEntry("MetricName", "KafkaDataLogsDiskUsed")
          .containsEntry("Threshold", 80);
      assertThat(dimensions(a))
          .isEqualTo(
              Map.of("Cluster Name", "sluice-orders", "Broker ID", Integer.toString(broker)));
    }
    Map<String, Object> slot = alarm("sluice-orders-SlotLag");
    assertThat(slot)
        .containsEntry("Namespace", "AWS/RDS")
        .containsEntry("MetricName", "OldestReplicationSlotLag")
        .containsEntry("Threshold", 10737418240L);
    assertThat(dimensions(slot)).isEqualTo(Map.of("DBInstanceIdentifier", "trading-source-1"));
  }

  @Test
  void eachStateTableAlarmsOnThrottlesAndOnServerErrorsOfTheOperationsSluiceSends() {
    String leases = tableLogicalId("sluice-orders-leases");
    Map<String, Object> throttles = alarm("sluice-orders-Throttles-leases");
    assertThat(metricStats(throttles))
        .containsExactlyInAnyOrder(
            "AWS/DynamoDB ReadThrottleEvents Sum TableName=" + leases,
            "AWS/DynamoDB WriteThrottleEvents Sum TableName=" + leases);
    Map<String, Object> errors = alarm("sluice-orders-Errors-leases");
    assertThat(metricStats(errors))
        .containsExactlyInAnyOrder(
            List.of(
                    "GetItem",
                    "PutItem",
                    "UpdateItem",
                    "DeleteItem",
                    "Query",
                    "Scan",
                    "BatchWriteItem",
                    "TransactWriteItems")
                .stream()
                .map(op -> "AWS/DynamoDB SystemErrors Sum Operation=" + op + ",TableName=" + leases)
                .toArray(String[]::new));
  }

  @Test
  void budgetIsMonthlyOverTheCostTagAndMailsOnActualAndForecast() {
    List<Map<String, Object>> subscribers =
        List.of(
            Map.of("SubscriptionType", "EMAIL", "Address", "oncall@example.com"),
            Map.of("SubscriptionType", "EMAIL", "Address", "data@example.com"));
    s.template()
        .hasResourceProperties(
            "AWS::Budgets::Budget",
            Map.of(
                "Budget",
                Map.of(
                    "BudgetName", "sluice-orders",
                    "BudgetType", "COST",
                    "TimeUnit", "MONTHLY",
                    "BudgetLimit", Map.of("Amount", 1500, "Unit", "USD"),
                    "CostFilters", Map.of("TagKeyValue", List.of("user:sluice-pipeline$orders"))),
                "NotificationsWithSubscribers",
                List.of(
                    Map.of(
                        "Notification",
                        Map.of(
                            "NotificationType", "ACTUAL",
                            "ComparisonOperator", "GREATER_THAN",
                            "Threshold", 80,
                            "ThresholdType", "PERCENTAGE"),
                        "Subscribers",
                        subscribers),
                    Map.of(
                        "Notification",
                        Map.of(
                            "NotificationType", "FORECASTED",
                            "ComparisonOperator", "GREATER_THAN",
                            "Threshold", 100,
                            "ThresholdType", "PERCENTAGE"),
                        "Subscribers",
                        subscribers)),
                "ResourceTags",
                List.of(Map.of("Key", "sluice-pipeline", "Value", "orders"))));
  }

  @Test
  void everyResourceThatTakesTagsCarriesTheCostTag() {
    Set<String> untaggable = new HashSet<>();
    int seen = 0;
    for (IConstruct c : s.stack().getNode().findAll()) {
      if (!(c instanceof CfnResource cfn)) {
        continue;
      }
      seen++;
      String id = String.valueOf(s.stack().resolve(cfn.getLogicalId()));
      Map<String, Object> p = properties(s.resources().get(id));
      if (TagManager.isTaggable(cfn) || TagManager.isTaggableV2(cfn)) {
        assertThat(tags(p.get("Tags"))).as(id).containsEntry("sluice-pipeline", "orders");
      } else {
        untaggable.add(cfn.getCfnResourceType());
      }
    }
    assertThat(seen).isEqualTo(s.resources().size());
    // CloudFormation takes no tags on a subscription; the budget's go on by hand (checked above)
    assertThat(untaggable)
        .containsExactlyInAnyOrder("AWS::SNS::Subscription", "AWS::Budgets::Budget");
  }

  private List<Map<String, Object>> podStatements() {
    Map<String, Object> role = properties(s.resources("AWS::IAM::Role").values().iterator().next());
    List<Map<String, Object>> policies = (List<Map<String, Object>>) role.get("Policies");
    assertThat(policies).hasSize(1);
    Map<String, Object> doc =
        (Map<String, Object>) intrinsics.eval(policies.get(0).get("PolicyDocument"));
    return (List<Map<String, Object>>) doc.get("Statement");
  }

  private static Map<String, Object> statement(
      String sid, List<String> actions, List<String> resources) {
    return Map.of(
        "Sid",
        sid,
        "Effect",
        "Allow",
        "Action",
        actions.size() == 1 ? actions.get(0) : actions,
        "Resource",
        resources.size() == 1 ? resources.get(0) : resources);
  }

  private static List<String> list(Object value) {
    return value instanceof List<?> l
        ? l.stream().map(String::valueOf).toList()
        : List.of(String.valueOf(value));
  }

  private static boolean matchesAny(Map<String, Pattern> granted, String arn) {
    return granted.values().stream().anyMatch(p -> p.matcher(arn).matches());
  }

  private Map<String, Object> alarm(String name) {
    return s.resources("AWS::CloudWatch::Alarm").values().stream()
        .map(StackFixture.Synthesized::properties)
        .filter(p -> name.equals(p.get("AlarmName")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no alarm " + name));
  }

  private static Map<String, Object> dimensions(Map<String, Object> alarm) {
    return dimensionMap(alarm.get("Dimensions"));
  }

  private static Map<String, Object> dimensionMap(Object dims) {
    Map<String, Object> out = new TreeMap<>();
    for (Map<String, Object> d : (List<Map<String, Object>>) dims) {
      Object v = d.get("Value");
      out.put(String.valueOf(d.get("Name")), v instanceof Map<?, ?> ref ? ref.get("Ref") : v);
    }
    return out;
  }

  /** The metrics a math alarm reads, as "namespace name stat dim=value,...". */
  private static List<String> metricStats(Map<String, Object> alarm) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) alarm.get("Metrics")) {
      Map<String, Object> stat = (Map<String, Object>) m.get("MetricStat");
      if (stat == null) {
        continue;
      }
      Map<String, Object> metric = (Map<String, Object>) stat.get("Metric");
      out.add(
          metric.get("Namespace")
              + " "
              + metric.get("MetricName")
              + " "
              + stat.get("Stat")
              + " "
              + dimensionMap(metric.get("Dimensions")).entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")));
    }
    return out;
  }

  private String tableLogicalId(String name) {
    return s.resources("AWS::DynamoDB::Table").entrySet().stream()
        .filter(e -> name.equals(properties(e.getValue()).get("TableName")))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> tags(Object tags) {
    Map<String, String> out = new TreeMap<>();
    if (tags instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    } else if (tags instanceof List<?> l) {
      for (Object t : l) {
        Map<?, ?> tag = (Map<?, ?>) t;
        out.put(String.valueOf(tag.get("Key")), String.valueOf(tag.get("Value")));
      }
    }
    return out;
  }

  private static String keySchema(Map<String, Object> table) {
    Map<String, String> types = new TreeMap<>();
    for (Map<String, Object> d : (List<Map<String, Object>>) table.get("AttributeDefinitions")) {
      types.put(String.valueOf(d.get("AttributeName")), String.valueOf(d.get("AttributeType")));
    }
    return ((List<Map<String, Object>>) table.get("KeySchema"))
        .stream()
            .map(
                k ->
                    k.get("AttributeName")
                        + ":"
                        + types.get(String.valueOf(k.get("AttributeName"))))
            .collect(Collectors.joining(" "));
  }
}
