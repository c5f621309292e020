package io.sluice.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the stack's parameters from CDK context: no CDK, no Node. */
class StackConfigReaderTest {
  static final List<String> TABLES =
      List.of(
          "source-offsets",
          "apply-checkpoints",
          "leases",
          "group-control",
          "audit",
          "workers",
          "load-progress");

  @Test
  void defaultsFollowSluicesOwnNames() {
    SluiceStackConfig c = StackConfigReader.read(StackFixture.context()::get);
    assertThat(c.tablePrefix()).isEqualTo("sluice-orders-");
    assertThat(c.topicPrefix()).isEqualTo("sluice.orders");
    assertThat(c.topic("fills")).isEqualTo("sluice.orders.fills");
    assertThat(c.consumerGroup("fills")).isEqualTo("sluice-apply-orders-fills");
    assertThat(c.stackName()).isEqualTo("sluice-orders");
    assertThat(c.mskMode()).isEqualTo(MskMode.PROVISIONED);
    assertThat(c.mskBrokers()).isEqualTo(3);
    assertThat(c.namespace()).isEqualTo("sluice");
    assertThat(c.serviceAccount()).isEqualTo("sluice");
    assertThat(c.budgetEmails()).isEqualTo(c.alarmEmails());
    assertThat(c.budgetActualPercent()).isEqualTo(80);
    assertThat(c.costTagKey()).isEqualTo("sluice-pipeline");
    assertThat(c.costTagValue()).isEqualTo("orders");
    assertThat(c.budgetMonthlyUsd()).isEqualTo(1500.0);
  }

  @Test
  void anUnderscoreInThePipelineBecomesAHyphenWhereAwsNamesRefuseIt() {
    Map<String, Object> context = StackFixture.context();
    context.put("pipeline", "order_book");
    SluiceStackConfig c = StackConfigReader.read(context::get);
    assertThat(c.stackName()).isEqualTo("sluice-order-book");
    assertThat(c.mskClusterName()).isEqualTo("sluice-order-book");
    assertThat(c.tablePrefix()).isEqualTo("sluice-order_book-");
    assertThat(c.consumerGroup("fills")).isEqualTo("sluice-apply-order_book-fills");
  }

  @Test
  void listsComeAsJsonArraysOrCommaSeparatedAndNumbersAsTextOrNumbers() {
    Map<String, Object> context = StackFixture.context();
    context.put("groups", "fills, reference ,audit_log");
    context.put("mskBrokers", "6");
    context.put("lagAlarmOffsets", 5000.0);
    SluiceStackConfig c = StackConfigReader.read(context::get);
    assertThat(c.groups()).containsExactly("fills", "reference", "audit_log");
    assertThat(c.mskBrokers()).isEqualTo(6);
    assertThat(c.lagAlarmOffsets()).isEqualTo(5000);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Map<String, Object> context = StackFixture.context();
    context.remove("pipeline");
    context.remove("eksClusterName");
    context.put("mskBrokers", 5);
    context.put("subnetIds", List.of("subnet-0123456789abcdef1", "subnet-nothex"));
    context.put("groups", List.of("fills", "Fills"));
    context.put("budgetMonthlyUsd", "-5");
    context.put("mskMode", "sometimes");
    context.put("dbUsers", "sluice_apply");
    context.put("passwordSecretArns", "sluice/orders/source");
    assertThatThrownBy(() -> StackConfigReader.read(context::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9 problem(s)")
        .hasMessageContaining("pipeline: required")
        .hasMessageContaining("eksClusterName: required")
        .hasMessageContaining("subnetIds: 'subnet-nothex' does not match")
        .hasMessageContaining("mskBrokers: 5 is not a multiple of the 2 subnets")
        .hasMessageContaining("groups: 'Fills' does not match")
        .hasMessageContaining("budgetMonthlyUsd: -5 must be above 0")
        .hasMessageContaining("mskMode: 'sometimes' does not match provisioned|serverless")
        .hasMessageContaining("dbUsers: rds-db:connect needs dbResourceId")
        .hasMessageContaining("passwordSecretArns: 'sluice/orders/source' does not match")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(
                        "subnetIds: a provisioned cluster takes 2 or 3 subnets, got 2"));
  }

  @Test
  void serverlessTakesTwoToFiveSubnetsAndIgnoresTheBrokerCount() {
    Map<String, Object> context = StackFixture.context();
    context.put("mskMode", "serverless");
    context.put(
        "subnetIds",
        "subnet-0123456789abcdef1,subnet-0123456789abcdef2,subnet-0123456789abcdef3,"
            + "subnet-0123456789abcdef4");
    assertThat(StackConfigReader.read(context::get).mskMode()).isEqualTo(MskMode.SERVERLESS);
    context.put("subnetIds", "subnet-0123456789abcdef1");
    assertThatThrownBy(() -> StackConfigReader.read(context::get))
        .hasMessageContaining("subnetIds: a serverless cluster takes 2 to 5 subnets, got 1");
  }

  @Test
  void budgetMailsAtMostTenAddresses() {
    Map<String, Object> context = StackFixture.context();
    context.put(
        "budgetEmails",
        java.util.stream.IntStream.range(0, 11).mapToObj(i -> "p" + i + "@example.com").toList());
    assertThatThrownBy(() -> StackConfigReader.read(context::get))
        .hasMessageContaining("budgetEmails: a budget notification takes at most 10 addresses");
  }
}
