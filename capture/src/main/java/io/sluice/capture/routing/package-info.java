/**
 * Routing: which topic and partition each event capture sends goes to, the producer settings, and
 * waiting until Kafka holds what was sent.
 */
package io.sluice.capture.routing;
