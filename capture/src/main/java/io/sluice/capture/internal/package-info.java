/** Debezium wiring, value formatting, publication and topic setup behind {@code CaptureService}. */
package io.sluice.capture.internal;
