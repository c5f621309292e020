package io.sluice.cdk;

import static io.sluice.cdk.StackFixture.Synthesized.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The stack of a pipeline that `sluice cutover` will switch ({@code cutover: true}): the reverse
 * pipeline's state tables exist beside the forward ones, alarmed alike, and the pods may use them
 * and the reverse consumer groups, and nothing more.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CutoverStackTest {
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
    c.put("cutover", "true");
    s = StackFixture.synth(c);
    intrinsics = new Intrinsics(s.resources());
  }

  @Test
  void theReversePipelinesTablesStandBesideTheForwardOnes() {
    TreeSet<String> names = new TreeSet<>();
    s.resources("AWS::DynamoDB::Table")
        .values()
        .forEach(r -> names.add(String.valueOf(properties(r).get("TableName"))));
    TreeSet<String> expected = new TreeSet<>();
    for (String t : StackConfigReaderTest.TABLES) {
      expected.add("sluice-orders-" + t);
      expected.add("sluice-orders-reverse-" + t);
    }
    assertThat(names).isEqualTo(expected);
    assertThat(s.resources("AWS::CloudWatch::Alarm")).hasSize(2 + 2 * 14);
  }

  @Test
  @SuppressWarnings("unchecked")
  void podsMayUseTheReverseTablesAndConsumerGroups() {
    Map<String, Object> role = properties(s.resources("AWS::IAM::Role").values().iterator().next());
    List<Map<String, Object>> policies = (List<Map<String, Object>>) role.get("Policies");
    Map<String, Object> doc =
        (Map<String, Object>) intrinsics.eval(policies.get(0).get("PolicyDocument"));
    List<Map<String, Object>> statements = (List<Map<String, Object>>) doc.get("Statement");
    String arn = "arn:aws:dynamodb:eu-west-1:111122223333:table/sluice-orders-";
    List<String> tables =
        StackConfigReaderTest.TABLES.stream()
            .flatMap(t -> java.util.stream.Stream.of(arn + t, arn + "reverse-" + t))
            .sorted()
            .toList();
    Map<String, Object> granted =
        statements.stream()
            .filter(st -> st.get("Sid").equals("StateTables"))
            .findFirst()
            .orElseThrow();
    assertThat(((List<String>) granted.get("Resource")).stream().sorted().toList())
        .isEqualTo(tables);
    assertThat(
            statements.stream()
                .filter(st -> st.get("Sid").equals("KafkaConsumerGroups"))
                .findFirst()
                .orElseThrow()
                .get("Resource"))
        .isEqualTo(
            List.of(
                KAFKA + "group/" + CLUSTER + "/sluice-apply-orders-*",
                KAFKA + "group/" + CLUSTER + "/sluice-apply-orders_reverse-*"));
  }
}
