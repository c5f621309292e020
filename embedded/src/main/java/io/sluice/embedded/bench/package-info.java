/**
 * The benchmarks' parts that need no sluice component: the apply benchmark's tables and seed and
 * the workload queued on the source; the load benchmark's tables ({@link LoadSchema}); PostgreSQL's
 * native logical replication as the baseline contender of both; and the CPU and heap measurement of
 * a timed interval. {@code sluice bench apply} and {@code sluice bench load} in {@code cli} run
 * them.
 */
package io.sluice.embedded.bench;
