package io.sluice.cdk;

import static io.sluice.cdk.StackFixture.Synthesized.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A pipeline run in two regions: the stack of the region that owns the state tables makes them
 * DynamoDB global tables with a replica in the other region; the other region's stack makes no
 * table and grants its pods the replicas there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GlobalTablesStackTest {
  private StackFixture.Synthesized primary;
  private StackFixture.Synthesized secondary;

  @BeforeAll
  void synth() {
    NodeTools.node();
    Map<String, Object> a = serverless();
    a.put("region", "eu-west-1");
    a.put("replicaRegions", "eu-central-1");
    primary = StackFixture.synth(a);
    Map<String, Object> b = serverless();
    b.put("region", "eu-central-1");
    b.put("tablesRegion", "eu-west-1");
    secondary = StackFixture.synth(b);
  }

  private static Map<String, Object> serverless() {
    Map<String, Object> c = StackFixture.context();
    c.put("mskMode", "serverless");
    c.put("subnetIds", "subnet-0123456789abcdef1, subnet-0123456789abcdef2");
    return c;
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOwningRegionMakesGlobalTablesWithAReplicaInEachRegion() {
    primary.template().resourceCountIs("AWS::DynamoDB::Table", 0);
    TreeSet<String> names = new TreeSet<>();
    primary
        .resources("AWS::DynamoDB::GlobalTable")
        .values()
        .forEach(
            r -> {
              Map<String, Object> p = properties(r);
              names.add(String.valueOf(p.get("TableName")));
              assertThat(p).containsEntry("BillingMode", "PAY_PER_REQUEST");
              List<Map<String, Object>> replicas = (List<Map<String, Object>>) p.get("Replicas");
              assertThat(replicas)
                  .extracting(m -> m.get("Region"))
                  .containsExactlyInAnyOrder("eu-west-1", "eu-central-1");
              assertThat(replicas)
                  .allSatisfy(
                      m ->
                          assertThat(m)
                              .containsEntry("DeletionProtectionEnabled", true)
                              .containsEntry(
                                  "PointInTimeRecoverySpecification",
                                  Map.of("PointInTimeRecoveryEnabled", true)));
              assertThat(r).containsEntry("DeletionPolicy", "Retain");
            });
    TreeSet<String> expected = new TreeSet<>();
    StackConfigReaderTest.TABLES.forEach(t -> expected.add("sluice-orders-" + t));
    assertThat(names).isEqualTo(expected);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOtherRegionMakesNoTableAndGrantsItsReplicas() {
    secondary.template().resourceCountIs("AWS::DynamoDB::Table", 0);
    secondary.template().resourceCountIs("AWS::DynamoDB::GlobalTable", 0);
    Map<String, Object> role =
        properties(secondary.resources("AWS::IAM::Role").values().iterator().next());
    List<Map<String, Object>> policies = (List<Map<String, Object>>) role.get("Policies");
    Map<String, Object> doc =
        (Map<String, Object>)
            new Intrinsics(secondary.resources()).eval(policies.get(0).get("PolicyDocument"));
    Map<String, Object> state =
        ((List<Map<String, Object>>) doc.get("Statement"))
            .stream().filter(st -> st.get("Sid").equals("StateTables")).findFirst().orElseThrow();
    assertThat((List<String>) state.get("Resource"))
        .isEqualTo(
            StackConfigReaderTest.TABLES.stream()
                .map(t -> "arn:aws:dynamodb:eu-central-1:111122223333:table/sluice-orders-" + t)
                .toList());
  }

  @Test
  void twoRegionsNeedTheStacksRegionAndOneOwnerOfTheTables() {
    Map<String, Object> c = serverless();
    c.put("replicaRegions", "eu-central-1");
    c.put("tablesRegion", "eu-west-1");
    assertThatThrownBy(() -> StackFixture.synth(c))
        .hasMessageContaining("region: a pipeline run in two regions")
        .hasMessageContaining("not both");
  }
}
