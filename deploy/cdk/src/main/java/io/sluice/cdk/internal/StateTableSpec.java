package io.sluice.cdk.internal;

import java.util.List;
import java.util.Optional;

/**
 * A DynamoDB table of sluice's state as sluice creates it when absent ({@code StateTables} in the
 * checkpoint module): its name after the prefix and its key. {@code StateTablesIT} compares this
 * list with the tables sluice itself creates.
 *
 * @param suffix the name after {@code dynamodb.table-prefix}
 * @param partitionKey the partition key
 * @param sortKey the sort key, where the table has one
 */
public record StateTableSpec(
    String suffix, KeyAttribute partitionKey, Optional<KeyAttribute> sortKey) {
  /** A key attribute: its name and scalar type ({@code S} or {@code N}). */
  public record KeyAttribute(String name, String type) {}

  /** Every state table, in the order {@code StateTables.all()} names them. */
  public static final List<StateTableSpec> ALL =
      List.of(
          table("source-offsets", s("pipeline")),
          table("apply-checkpoints", s("group"), n("partition")),
          table("leases", s("group"), n("partition")),
          table("group-control", s("group")),
          table("audit", s("group"), s("at")),
          table("workers", s("group"), s("worker")),
          table("load-progress", s("table"), n("chunk")));

  private static StateTableSpec table(String suffix, KeyAttribute partition) {
    return new StateTableSpec(suffix, partition, Optional.empty());
  }

  private static StateTableSpec table(String suffix, KeyAttribute partition, KeyAttribute sort) {
    return new StateTableSpec(suffix, partition, Optional.of(sort));
  }

  private static KeyAttribute s(String name) {
    return new KeyAttribute(name, "S");
  }

  private static KeyAttribute n(String name) {
    return new KeyAttribute(name, "N");
  }
}
