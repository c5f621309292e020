package io.sluice.cdk;

import static io.sluice.cdk.StackFixture.Synthesized.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.assertions.Match;

/** The stack of an MSK Serverless pipeline with only the required parameters, synthesized once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerlessStackTest {
  private static final String KAFKA = "arn:aws:kafka:eu-west-1:111122223333:";
  private static final String CLUSTER = "sluice-orders/" + Intrinsics.MSK_UUID;

  private StackFixture.Synthesized s;
  private Intrinsics intrinsics;

  @BeforeAll
  void synth() {
    NodeTools.node();
    Map<String, Object> c = StackFixture.context();
    c.put("mskMode", "serverless");
    c.put("subnetIds", "subnet-0123456789abcdef1, subnet-0123456789abcdef2");
    s = StackFixture.synth(c);
    intrinsics = new Intrinsics(s.resources());
  }

  @Test
  void mskIsServerlessWithIamInTheGivenSubnetsAndSecurityGroup() {
    s.template().resourceCountIs("AWS::MSK::ServerlessCluster", 1);
    s.template().resourceCountIs("AWS::MSK::Cluster", 0);
    String sg = s.resources("AWS::EC2::SecurityGroup").keySet().iterator().next();
    s.template()
        .hasResourceProperties(
            "AWS::MSK::ServerlessCluster",
            Map.of(
                "ClusterName", "sluice-orders",
                "ClientAuthentication", Map.of("Sasl", Map.of("Iam", Map.of("Enabled", true))),
                "VpcConfigs",
                    List.of(
                        Map.of(
                            "SubnetIds",
                                List.of("subnet-0123456789abcdef1", "subnet-0123456789abcdef2"),
                            "SecurityGroups",
                                List.of(Map.of("Fn::GetAtt", List.of(sg, "GroupId"))))),
                "Tags", Map.of("sluice-pipeline", "orders")));
  }

  @Test
  void kafkaGrantsNameTheServerlessClusterAndNoDatabaseUserIsGranted() {
    Map<String, Object> role = properties(s.resources("AWS::IAM::Role").values().iterator().next());
    List<Map<String, Object>> policies = (List<Map<String, Object>>) role.get("Policies");
    Map<String, Object> doc =
        (Map<String, Object>) intrinsics.eval(policies.get(0).get("PolicyDocument"));
    List<Map<String, Object>> statements = (List<Map<String, Object>>) doc.get("Statement");
    assertThat(statements)
        .extracting(st -> st.get("Sid") + " " + st.get("Resource"))
        .containsExactly(
            "StateTables " + tableArns(),
            "StateTablesExist *",
            "KafkaCluster " + KAFKA + "cluster/" + CLUSTER,
            "KafkaTopics " + KAFKA + "topic/" + CLUSTER + "/sluice.orders.*",
            "KafkaConsumerGroups " + KAFKA + "group/" + CLUSTER + "/sluice-apply-orders-*");
  }

  @Test
  void onlyPodIdentityIsTrustedWithoutAnOidcProvider() {
    s.template()
        .hasResourceProperties(
            "AWS::IAM::Role",
            Match.objectLike(
                Map.of(
                    "AssumeRolePolicyDocument",
                    Map.of(
                        "Version",
                        "2012-10-17",
                        "Statement",
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "Sid",
                                    "EksPodIdentity",
                                    "Principal",
                                    Map.of("Service", "pods.eks.amazonaws.com"))))))));
  }

  @Test
  void alarmsLeaveOutBrokersAndTheSource() {
    assertThat(
            s.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(r -> String.valueOf(properties(r).get("AlarmName"))))
        .hasSize(2 + 14)
        .contains("sluice-orders-Lag-fills", "sluice-orders-Lag-reference")
        .noneMatch(n -> n.contains("BrokerDisk") || n.contains("SlotLag"));
    s.template()
        .hasResourceProperties(
            "AWS::CloudWatch::Alarm",
            Match.objectLike(
                Map.of(
                    "AlarmName", "sluice-orders-Lag-fills",
                    "Namespace", "AWS/Kafka",
                    "MetricName", "MaxOffsetLag",
                    "Dimensions",
                        Match.arrayWith(
                            List.of(Map.of("Name", "Cluster Name", "Value", "sluice-orders"))))));
  }

  private List<String> tableArns() {
    return StackConfigReaderTest.TABLES.stream()
        .map(t -> "arn:aws:dynamodb:eu-west-1:111122223333:table/sluice-orders-" + t)
        .toList();
  }
}
