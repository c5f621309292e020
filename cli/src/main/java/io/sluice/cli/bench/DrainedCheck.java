package io.sluice.cli.bench;

import io.sluice.apply.GroupBacklog;

/**
 * Whether a sluice drain is complete: every partition's checkpoint has reached its end offset. The
 * checkpoints live in DynamoDB (Local, in this JVM), and querying them ten times a second would be
 * measured as sluice's own cost; so they are read only once the workers' counters say everything is
 * applied, or once a second in case the counters count differently.
 */
final class DrainedCheck {
  private static final long FALLBACK_NANOS = 1_000_000_000L;

  private final SluiceContender sluice;
  private final GroupBacklog.EndOffsets ends;
  private final long expected;
  private long lastRead = System.nanoTime();

  DrainedCheck(SluiceContender sluice, GroupBacklog.EndOffsets ends) {
    this.sluice = sluice;
    this.ends = ends;
    this.expected =
        sluice.backlogs(ends).stream()
            .flatMap(b -> b.partitions().stream())
            .mapToLong(GroupBacklog.Partition::backlog)
            .sum();
  }

  /** Changes between the checkpoints and the end offsets when the drain began. */
  long expected() {
    return expected;
  }

  boolean holds() {
    long now = System.nanoTime();
    if (sluice.appliedEvents() < expected && now - lastRead < FALLBACK_NANOS) {
      return false;
    }
    lastRead = now;
    return sluice.checkpointsReached(ends);
  }
}
