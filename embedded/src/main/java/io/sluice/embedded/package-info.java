/**
 * Real infrastructure embedded in one JVM for {@code sluice demo} and the integration tests: a
 * logical-decoding source PostgreSQL and a target PostgreSQL (zonky binaries as child processes), a
 * single-node KRaft Kafka broker and controller (in-process) and DynamoDB Local (in-process HTTP
 * server), all on loopback with OS-chosen ports and all files under one caller-chosen directory.
 * Also owns the per-test isolation of a shared instance.
 */
package io.sluice.embedded;
