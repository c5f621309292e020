/**
 * The shared vocabulary of sluice: errors, source positions and the metric names every process
 * exports. Sub-packages hold the pipeline configuration, the change-event model and its wire
 * encoding, and table schemas. Nothing in this module performs I/O.
 */
package io.sluice.core;
