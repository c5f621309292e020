/**
 * {@code sluice bench}: the apply benchmark, which times sluice's drain of a queued backlog against
 * PostgreSQL's native logical replication on the embedded infrastructure, with the workload and
 * measurement parts from {@code io.sluice.embedded.bench}.
 */
package io.sluice.cli.bench;
