package io.sluice.core.config;

/** How capture reads a pipeline's changes from its source. */
public enum CaptureMethod {
  /** Logical decoding: Debezium Embedded reads a pgoutput replication slot (PostgreSQL). */
  LOG,
  /**
   * Queries: each table is polled by a watermark column, or compared with the target by chunk
   * hashes, from exported snapshots (Greenplum 7, which has no usable logical decoding).
   */
  QUERY
}
