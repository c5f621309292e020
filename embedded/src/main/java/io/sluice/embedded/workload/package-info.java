/**
 * The deterministic trading workload run against the source: the schema and seed data (a large
 * {@code fills} table with exact NUMERIC and non-ASCII text, plus 32 small reference tables in two
 * naming families) and a rate-limited change generator driving inserts, updates and deletes.
 */
package io.sluice.embedded.workload;
