/**
 * Behind {@code CaptureService}: Debezium wiring, the pre-flight before the engine starts, source
 * sessions, reading records into change events, value formatting, publication and topic setup.
 */
package io.sluice.capture.internal;
