package io.sluice.cdk.internal;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * The state tables of one pipeline, exactly as sluice would create them (names and keys), but with
 * what sluice does not set: point-in-time recovery, deletion protection, and retention when the
 * stack is deleted. On demand, as sluice creates them: state traffic is small and bursty.
 */
public final class StateTableSet extends Construct {
  private final List<Table> tables = new ArrayList<>();

  public StateTableSet(Construct scope, String id, String tablePrefix) {
    super(scope, id);
    for (StateTableSpec spec : StateTableSpec.ALL) {
      Table.Builder b =
          Table.Builder.create(this, spec.suffix())
              .tableName(tablePrefix + spec.suffix())
              .partitionKey(attribute(spec.partitionKey()))
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .pointInTimeRecoverySpecification(
                  PointInTimeRecoverySpecification.builder()
                      .pointInTimeRecoveryEnabled(true)
                      .build())
              .deletionProtection(true)
              .removalPolicy(RemovalPolicy.RETAIN);
      spec.sortKey().ifPresent(k -> b.sortKey(attribute(k)));
      tables.add(b.build());
    }
  }

  /** The tables, in the order of {@link StateTableSpec#ALL}. */
  public List<Table> tables() {
    return List.copyOf(tables);
  }

  private static Attribute attribute(StateTableSpec.KeyAttribute key) {
    return Attribute.builder()
        .name(key.name())
        .type(key.type().equals("N") ? AttributeType.NUMBER : AttributeType.STRING)
        .build();
  }
}
