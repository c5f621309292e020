/**
 * Capture: reads committed changes from a PostgreSQL source through Debezium Embedded (pgoutput),
 * and routes each change to its table group's Kafka topic, keyed by table and primary key. Owns the
 * source catalog checks, the publication and the replication slot.
 */
package io.sluice.capture;
