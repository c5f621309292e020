package io.sluice.core.config;

/**
 * Settings of the initial load.
 *
 * @param method how the existing rows are copied
 * @param parallelism how many COPY streams run at once
 * @param chunkRows about how many rows one chunk of a large table holds; a chunk is the unit that
 *     is copied in one target transaction and, after a crash, copied again
 * @param deferIndexes whether the target's secondary indexes are dropped while a table loads and
 *     created again after it
 */
public record LoadConfig(
    InitialLoad method, int parallelism, long chunkRows, boolean deferIndexes) {}
