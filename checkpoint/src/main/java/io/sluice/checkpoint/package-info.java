/**
 * Durable pipeline state in DynamoDB: the capture's source offsets (a Kafka Connect {@code
 * OffsetBackingStore} for Debezium) and the apply workers' checkpoints, plus creation of the state
 * tables. Every record carries a format version.
 */
package io.sluice.checkpoint;
