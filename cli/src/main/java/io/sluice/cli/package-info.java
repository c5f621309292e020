/**
 * The {@code sluice} command: {@code demo} (everything embedded), {@code run} (a real pipeline from
 * a config file), and the wiring of capture and apply into one process.
 */
package io.sluice.cli;
