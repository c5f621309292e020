package io.sluice.apply.internal;

import io.sluice.checkpoint.GroupControl;
import io.sluice.checkpoint.GroupControlStore;
import io.sluice.checkpoint.WorkerStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's view of its group's desired state (running or paused), read from the control store
 * every control poll, and the report of the worker's actual state back to it. Keeps the last state
 * read while the store cannot be read, and says when that has gone on too long. Polls on a thread
 * of its own once started. Thread-safe.
 */
public final class ControlPoller {
  private static final Logger log = LoggerFactory.getLogger(ControlPoller.class);

  /** The least time without a read before the worker counts as not ready. */
  private static final Duration LEAST_GRACE = Duration.ofSeconds(10);

  private final String group;
  private final GroupControlStore store;
  private final Clock clock;
  private final Duration poll;
  private ScheduledExecutorService reader;
  private volatile GroupControl desired;
  private volatile Instant pausedSince;
  private volatile Instant lastRead;
  private volatile int liveWorkers = 1;

  /** Reads the group's desired state once, now. */
  public ControlPoller(String group, GroupControlStore store, Clock clock, Duration poll) {
    this.group = group;
    this.store = store;
    this.clock = clock;
    this.poll = poll;
    this.desired = store.get(group);
    this.pausedSince = desired.paused() ? clock.instant() : null;
    this.lastRead = clock.instant();
  }

  /** Runs {@code poll} every control poll on a thread of its own, until {@link #close}. */
  public synchronized void start(Runnable poll) {
    reader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-control-" + group);
              t.setDaemon(true);
              return t;
            });
    long millis = this.poll.toMillis();
    reader.scheduleWithFixedDelay(poll, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops the polls, waiting up to 10 s for one in flight. */
  public synchronized void close() {
    if (reader == null) {
      return;
    }
    reader.shutdownNow();
    try {
      reader.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The group's desired state as last read. */
  public GroupControl desired() {
    return desired;
  }

  /** Seconds the group has been paused as far as this worker knows, 0 while it runs. */
  public double pausedSeconds() {
    Instant since = pausedSince;
    return since == null ? 0 : Duration.between(since, clock.instant()).toMillis() / 1000.0;
  }

  /**
   * Reads the desired state and reports the worker's status; false, keeping the last state read,
   * when the store could not be read or written.
   */
  public boolean read(WorkerStatus status) {
    try {
      GroupControl now = store.get(group);
      if (now.paused() != desired.paused()) {
        log.info(
            "group {} {} by {}{}",
            group,
            now.paused() ? "paused" : "resumed",
            now.by(),
            now.reason().isEmpty() ? "" : ": " + now.reason());
        pausedSince = now.paused() ? clock.instant() : null;
      }
      desired = now;
      lastRead = clock.instant();
      store.report(status);
      readLiveWorkers(status.worker());
      return true;
    } catch (RuntimeException e) {
      // Keep the last known state: apply goes on or stays paused as it was, and tries again.
      log.warn("could not read the control state of group {}: {}", group, e.toString());
      return false;
    }
  }

  /**
   * The workers of the group that reported lately and run (or stand by, or wait paused), this one
   * included, as of the last read; 1 before the first.
   */
  public int liveWorkers() {
    return liveWorkers;
  }

  /**
   * Reads which workers of the group are live now: {@code self} and every other whose last report
   * is recent and says it has not stopped.
   */
  public int readLiveWorkers(String self) {
    liveWorkers = 1 + otherLiveWorkers(self);
    return liveWorkers;
  }

  private int otherLiveWorkers(String self) {
    Duration fresh =
        poll.multipliedBy(3).compareTo(LEAST_GRACE) > 0 ? poll.multipliedBy(3) : LEAST_GRACE;
    Instant since = clock.instant().minus(fresh);
    int live = 0;
    for (WorkerStatus w : store.workers(group)) {
      if (!w.worker().equals(self)
          && w.reportedAt().isAfter(since)
          && w.state() != WorkerStatus.ActualState.STOPPED
          && w.state() != WorkerStatus.ActualState.HALTED) {
        live++;
      }
    }
    return live;
  }

  /** Reports the worker's status, once more (as it stops). */
  public void report(WorkerStatus status) {
    store.report(status);
  }

  /**
   * Why the worker cannot vouch for the group's state: the store not read for three control polls
   * (at least 10 s).
   */
  public Optional<String> stale() {
    Duration grace = poll.multipliedBy(3);
    if (grace.compareTo(LEAST_GRACE) < 0) {
      grace = LEAST_GRACE;
    }
    Instant now = clock.instant();
    if (!lastRead.isBefore(now.minus(grace))) {
      return Optional.empty();
    }
    return Optional.of(
        "control state not read from DynamoDB for "
            + Duration.between(lastRead, now).toSeconds()
            + " s");
  }
}
