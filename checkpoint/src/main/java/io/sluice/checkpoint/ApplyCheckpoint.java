package io.sluice.checkpoint;

/**
 * Where an apply worker stands in one partition of a group's topic.
 *
 * @param nextOffset the Kafka offset of the first record not yet committed to the target
 * @param lsn the source position of the last change committed from this partition
 */
public record ApplyCheckpoint(String group, int partition, long nextOffset, long lsn) {}
