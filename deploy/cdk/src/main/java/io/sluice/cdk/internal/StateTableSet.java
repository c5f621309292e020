package io.sluice.cdk.internal;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ReplicaTableProps;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.constructs.Construct;

/**
 * The state tables of one pipeline, exactly as sluice would create them (names and keys), but with
 * what sluice does not set: point-in-time recovery, deletion protection, and retention when the
 * stack is deleted. On demand, as sluice creates them: state traffic is small and bursty.
 */
public final class StateTableSet extends Construct {
  private final List<ITable> tables = new ArrayList<>();

  /** The tables, made in this stack's region. */
  public StateTableSet(Construct scope, String id, String tablePrefix) {
    this(scope, id, tablePrefix, List.of());
  }

  /**
   * @param replicaRegions other regions: the tables are DynamoDB global tables with a replica in
   *     each (and one here), for a pipeline run in two regions; empty for plain tables
   */
  public StateTableSet(
      Construct scope, String id, String tablePrefix, List<String> replicaRegions) {
    super(scope, id);
    for (StateTableSpec spec : StateTableSpec.ALL) {
      tables.add(
          replicaRegions.isEmpty()
              ? table(tablePrefix, spec)
              : globalTable(tablePrefix, spec, replicaRegions));
    }
  }

  /**
   * The global tables another region's stack made, as this region's replicas: granted and alarmed
   * here, never made or deleted by this stack.
   */
  public static StateTableSet replicas(Construct scope, String id, String tablePrefix) {
    return new StateTableSet(scope, id, tablePrefix, true);
  }

  private StateTableSet(Construct scope, String id, String tablePrefix, boolean imported) {
    super(scope, id);
    for (StateTableSpec spec : StateTableSpec.ALL) {
      tables.add(TableV2.fromTableName(this, spec.suffix(), tablePrefix + spec.suffix()));
    }
  }

  private Table table(String tablePrefix, StateTableSpec spec) {
    Table.Builder b =
        Table.Builder.create(this, spec.suffix())
            .tableName(tablePrefix + spec.suffix())
            .partitionKey(attribute(spec.partitionKey()))
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .deletionProtection(true)
            .removalPolicy(RemovalPolicy.RETAIN);
    spec.sortKey().ifPresent(k -> b.sortKey(attribute(k)));
    return b.build();
  }

  private TableV2 globalTable(String tablePrefix, StateTableSpec spec, List<String> replicas) {
    TableV2.Builder b =
        TableV2.Builder.create(this, spec.suffix())
            .tableName(tablePrefix + spec.suffix())
            .partitionKey(attribute(spec.partitionKey()))
            .billing(Billing.onDemand())
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .deletionProtection(true)
            .removalPolicy(RemovalPolicy.RETAIN)
            .replicas(
                replicas.stream()
                    .map(
                        r -> ReplicaTableProps.builder().region(r).deletionProtection(true).build())
                    .toList());
    spec.sortKey().ifPresent(k -> b.sortKey(attribute(k)));
    return b.build();
  }

  /** The tables, in the order of {@link StateTableSpec#ALL}. */
  public List<ITable> tables() {
    return List.copyOf(tables);
  }

  private static Attribute attribute(StateTableSpec.KeyAttribute key) {
    return Attribute.builder()
        .name(key.name())
        .type(key.type().equals("N") ? AttributeType.NUMBER : AttributeType.STRING)
        .build();
  }
}
