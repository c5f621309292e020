package io.sluice.core.config;

/** How capture copies the tables' existing rows on a pipeline's first start. */
public enum InitialLoad {
  /**
   * Parallel chunked binary COPY from the slot's exported snapshot straight into the target, with
   * chunk progress in DynamoDB; streaming starts at the slot's consistent point.
   */
  COPY,
  /** Debezium's snapshot: every row travels through Kafka as a snapshot change. */
  KAFKA
}
