package io.sluice.checkpoint;

import java.time.Instant;

/** One change of a group's desired state: who set what, when and why. */
public record AuditRecord(
    String group, Instant at, DesiredState from, DesiredState to, String reason, String by) {}
