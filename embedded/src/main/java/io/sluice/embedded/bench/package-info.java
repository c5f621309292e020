/**
 * The benchmarks' parts that need no sluice component: the apply benchmark's tables and seed and
 * the workload queued on the source, or paced at a steady rate ({@link PacedWorkload}); the probe
 * rows whose visibility on each target gives the end-to-end benchmark its lag ({@link LagProbe},
 * {@link ProbePoller}); the load benchmark's tables ({@link LoadSchema}); PostgreSQL's native
 * logical replication as the baseline contender; and the CPU and heap measurement of a timed
 * interval. The {@code sluice bench} commands in {@code cli} run them.
 */
package io.sluice.embedded.bench;
