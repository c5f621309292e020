package io.sluice.apply.internal;

import io.sluice.core.event.ChangeEvent;

/** A change with its place in the topic, so a batch knows what to checkpoint. */
public record KeyedChange(ChangeEvent event, int partition, long offset) {}
