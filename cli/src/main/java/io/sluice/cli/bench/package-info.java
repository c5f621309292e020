/**
 * {@code sluice bench}: the apply benchmark, which times sluice's drain of a queued backlog against
 * PostgreSQL's native logical replication, and the load benchmark, which times initial loads by
 * {@link io.sluice.cli.bench.LoadContender}s (binary COPY, native initial sync) into fresh target
 * databases, and the end-to-end benchmark, which runs sluice and native logical replication side by
 * side under a paced workload and measures their lag ({@code sluice bench e2e}); all on the
 * embedded infrastructure, with the workload and measurement parts from {@code
 * io.sluice.embedded.bench}.
 */
package io.sluice.cli.bench;
