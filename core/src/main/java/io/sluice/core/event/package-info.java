/**
 * The change event that capture writes to Kafka and apply reads back, and its versioned wire
 * encoding. Values travel as PostgreSQL text literals, so every type round-trips exactly through
 * the server's own input and output functions.
 */
package io.sluice.core.event;
