/**
 * The apply benchmark's parts that need no sluice component: its tables and seed, the workload
 * queued on the source, PostgreSQL's native logical replication as the baseline contender, and the
 * CPU and heap measurement of a drain. {@code sluice bench apply} in {@code cli} runs them with
 * sluice's capture and apply.
 */
package io.sluice.embedded.bench;
