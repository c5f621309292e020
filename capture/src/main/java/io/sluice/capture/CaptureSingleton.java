package io.sluice.capture;

import io.sluice.capture.load.LoadListener;
import io.sluice.checkpoint.DynamoDbLeaseStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.GroupControlStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.checkpoint.LeaseStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.checkpoint.WorkerStatus;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.error.TryAgainException;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.RetryLog;
import io.sluice.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs a pipeline's capture in exactly one process at a time: the process holding the pipeline's
 * capture lease captures; any other waits as a standby and takes over when the lease expires (the
 * leader died or stalled), resuming from the stored source offset. A leader that loses its lease
 * stops capturing at once. The replication slot admits one reader anyway; the lease makes the
 * handover orderly instead of a race of failing connections.
 *
 * <p>While it leads, capture is started again, from the stored offset, after every stop an error
 * classed retriable caused (the source restarting, failing over or unreachable, a terminated
 * session, Kafka or DynamoDB away), with bounded backoff, for as long as it takes; a capture that
 * made progress before it stopped starts again at once. Only an error a person must act on (a
 * dropped slot or publication, a refused password, a schema sluice cannot follow) halts it, with
 * its full cause logged once.
 *
 * <p>Longer than most files here, and kept whole: it is one state machine (standby, leading, a
 * capture starting, restarting or halted, the lease released), and its transitions share state
 * under one lock; split, they would have to be read side by side to be followed.
 */
public final class CaptureSingleton implements AutoCloseable {
  /** The lease key: not a valid group name, so no group's leases can clash with it. */
  public static final String LEASE_GROUP = ":capture";

  private static final Logger log = LoggerFactory.getLogger(CaptureSingleton.class);

  private final PipelineConfig config;

  /** What capture takes in: the configuration's groups and the tables they match. */
  private volatile Scope scope;

  private final LeaseStore leases;
  private final String workerId;
  private final Duration timeout;
  private final Clock clock;
  private final Backoff backoff;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Object wake = new Object();
  private final CaptureStats standbyStats = new CaptureStats();
  private final CaptureMetrics metrics;
  private final SlotWatch slotWatch;
  private final RetryLog restarts;
  private final AtomicInteger failuresInARow = new AtomicInteger();
  private volatile Instant firstFailure;
  private volatile Instant lastLeaseContact;
  private volatile CaptureRun current;
  private volatile boolean running;
  private volatile Lease lease;
  private boolean standingBy;
  private Thread thread;
  private final ExecutorService starter =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sluice-capture-start");
            t.setDaemon(true);
            return t;
          });
  private CountDownLatch firstAttempt;
  private volatile GroupControlStore statusStore;
  private volatile LoadListener loadListener = LoadListener.NONE;
  private Instant nextReport = Instant.MIN;

  /** How often capture reports its state to the control store. */
  private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

  /**
   * Capture as {@code sluice run} starts it: under the lease kept in the pipeline's DynamoDB leases
   * table, which times out after {@code capture.lease-timeout}; times read on {@code clock}.
   */
  public static CaptureSingleton underDynamoDbLease(
      PipelineConfig config,
      CapturedTables tables,
      DynamoDbClient dynamo,
      String workerId,
      CaptureMetrics metrics,
      Clock clock) {
    Duration timeout = config.capture().leaseTimeout();
    LeaseStore leases =
        new DynamoDbLeaseStore(
            dynamo, new StateTables(config.dynamoDb().tablePrefix()), clock, timeout);
    return new CaptureSingleton(
        config, tables, leases, workerId, timeout, metrics, clock, Backoff.DEFAULT);
  }

  /**
   * @param leases the store of the capture lease, which renews it on its clock
   * @param timeout how long the leader holds the lease without renewing it
   * @param metrics the meters of capture in this process; registered here, on leader and standby
   *     alike (every capture process reports the slot)
   * @param clock what lease times and restart delays are read on
   * @param backoff the delays between restarts after retriable stops
   */
  public CaptureSingleton(
      PipelineConfig config,
      CapturedTables tables,
      LeaseStore leases,
      String workerId,
      Duration timeout,
      CaptureMetrics metrics,
      Clock clock,
      Backoff backoff) {
    this.config = config;
    this.scope = new Scope(config, tables);
    this.leases = leases;
    this.workerId = workerId;
    this.timeout = timeout;
    this.clock = clock;
    this.backoff = backoff;
    this.metrics = metrics;
    this.slotWatch = new SlotWatch(config, metrics, clock);
    this.restarts =
        new RetryLog(log, "capture of pipeline " + config.name(), ErrorClassifier::describe, clock);
    metrics.bind(this::isLeader, () -> failure().isPresent());
  }

  /**
   * Makes this process report capture's state (leading, retrying, halted or standing by, the source
   * commit time captured through, the last error) to the control store every few seconds under the
   * group {@value #LEASE_GROUP}, for {@code sluice ctl status}. Call before {@link #start}.
   */
  public CaptureSingleton reportingTo(GroupControlStore store) {
    this.statusStore = store;
    return this;
  }

  /** Who hears how a copy load goes (a terminal's progress bar), besides the metrics. */
  public CaptureSingleton loadListener(LoadListener listener) {
    this.loadListener = listener;
    return this;
  }

  /**
   * Tries once to lead at once, and if it leads waits until capture has first started or failed (so
   * a lone process captures when this returns); then keeps leading or standing by in the
   * background. The lease is renewed on its own thread, also while capture starts, which can take
   * longer than a lease.
   */
  public void start() throws InterruptedException {
    CountDownLatch first;
    synchronized (this) {
      if (thread != null) {
        throw new IllegalStateException("capture singleton already started");
      }
      running = true;
      step();
      first = firstAttempt;
      thread = new Thread(this::loop, "sluice-capture-lease-" + config.name());
      thread.setDaemon(true);
      thread.start();
    }
    if (first != null) {
      first.await();
    }
  }

  private void loop() {
    MDC.put("worker", workerId);
    while (running) {
      synchronized (wake) {
        try {
          wake.wait(Math.max(50, Math.min(1_000, timeout.toMillis() / 5)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (running) {
        if (failure.get() == null) {
          step();
        }
        if (config.capture().method() == CaptureMethod.LOG) {
          // also once capture halted: the slot keeps WAL, and its alert needs the figure
          slotWatch.pollIfDue();
        }
        reportIfDue(false);
      }
    }
    slotWatch.close();
  }

  /** Tells the control store what capture in this process is doing, every few seconds. */
  private void reportIfDue(boolean now) {
    GroupControlStore store = statusStore;
    Instant at = clock.instant();
    if (store == null || (!now && at.isBefore(nextReport))) {
      return;
    }
    nextReport = at.plus(REPORT_EVERY);
    try {
      store.report(status());
    } catch (RuntimeException e) {
      log.debug("could not report the capture state: {}", e.toString());
    }
  }

  /** What capture in this process is doing now. */
  public WorkerStatus status() {
    WorkerStatus.ActualState state;
    String error = "";
    if (failure.get() != null) {
      state = WorkerStatus.ActualState.HALTED;
      error = failure.get().getMessage();
    } else if (!running) {
      state = WorkerStatus.ActualState.STOPPED;
    } else if (restarts.problem().isPresent()) {
      state = WorkerStatus.ActualState.RETRYING;
      error = restarts.problem().get();
    } else if (lease != null) {
      state = WorkerStatus.ActualState.RUNNING;
    } else {
      state = WorkerStatus.ActualState.STANDBY;
    }
    long through = stats().observedThroughMicros();
    return new WorkerStatus(
        LEASE_GROUP,
        workerId,
        state,
        List.of(),
        through == 0 ? Map.of() : Map.of(0, through),
        error,
        clock.instant());
  }

  private synchronized void step() {
    try {
      if (lease == null) {
        lead();
        return;
      }
      CaptureRun c = current;
      Instant since = firstFailure;
      if (c != null && c.progressed() && since != null) {
        firstFailure = null;
        restarts.recovered(failuresInARow.getAndSet(0), Duration.between(since, clock.instant()));
      }
      try {
        lease = leases.renewIfDue(lease);
        lastLeaseContact = clock.instant();
      } catch (LeaseLostException lost) {
        log.error(
            "{} lost the capture lease of pipeline {}; capture stops here: {}",
            workerId,
            config.name(),
            lost.getMessage());
        lease = null;
        stopCapture();
      }
    } catch (RuntimeException | Error e) {
      halt(e);
    }
  }

  private void lead() {
    Optional<Lease> taken;
    try {
      taken = leases.tryAcquire(LEASE_GROUP, 0, workerId);
    } catch (SdkException e) {
      log.warn(
          "could not read the capture lease of pipeline {}: {}", config.name(), e.getMessage());
      return;
    }
    lastLeaseContact = clock.instant();
    if (taken.isEmpty()) {
      if (!standingBy) {
        String owner =
            leases.list(LEASE_GROUP).stream()
                .map(Lease::owner)
                .findFirst()
                .orElse("another process");
        log.info("capture of pipeline {} runs in {}; {} stands by", config.name(), owner, workerId);
        standingBy = true;
      }
      return;
    }
    standingBy = false;
    lease = taken.get();
    Lease term = lease;
    log.info(
        "{} leads capture of pipeline {} (lease epoch {})", workerId, config.name(), term.epoch());
    CountDownLatch first = new CountDownLatch(1);
    firstAttempt = first;
    starter.execute(() -> captureWhileLeading(term, first));
  }

  /**
   * Captures for one term of leadership: starts capture, waits for it to stop, and starts it again
   * after a retriable failure, until the term ends, the singleton closes or a failure needs a
   * person.
   */
  private void captureWhileLeading(Lease term, CountDownLatch firstAttempt) {
    MDC.put("worker", workerId);
    try {
      while (leads(term)) {
        Scope started = scope;
        CaptureRun c =
            started.config().capture().method() == CaptureMethod.QUERY
                ? new QueryCapture(started.config(), started.tables(), term, metrics)
                : new CaptureService(
                    started.config(), started.tables(), Optional.of(term), metrics);
        c.loadListener(loadListener);
        Throwable stoppedBy;
        try {
          c.start();
          if (!adopt(c, term)) {
            c.close();
            return;
          }
          if (scope != started) {
            c.stopFor(new TablesChanged()); // changed while it started
          }
          firstAttempt.countDown();
          c.awaitStop();
          stoppedBy = c.failure().orElse(null);
        } catch (Exception | Error e) {
          stoppedBy = e;
        } finally {
          firstAttempt.countDown();
          disown(c);
          c.close();
        }
        if (stoppedBy == null || !leads(term)) {
          return; // stopped on purpose: closed, or the lease passed on
        }
        if (stoppedBy instanceof TablesChanged) {
          log.info(
              "capture of pipeline {} starts again to take in its changed tables", config.name());
          continue;
        }
        // A refused sign-in with a password from Secrets Manager or an IAM token: read it anew
        // and start again (a rotation), as after any connection error.
        boolean renewed =
            ErrorClassifier.isSignInRefused(stoppedBy) && config.source().password().renew();
        if (!renewed && ErrorClassifier.classify(stoppedBy) != ErrorClass.RETRIABLE) {
          halt(stoppedBy);
          synchronized (this) {
            release();
          }
          return;
        }
        if (c.progressed()) {
          // it ran well until now: start again at once, and count from here
          failuresInARow.set(0);
        }
        int attempt = failuresInARow.incrementAndGet();
        if (firstFailure == null) {
          firstFailure = clock.instant();
        }
        Duration next =
            attempt == 1 && c.progressed()
                ? Duration.ZERO
                : backoff.delay(attempt, b -> ThreadLocalRandom.current().nextLong(b));
        restarts.retrying(attempt, stoppedBy, next);
        Sleeper.SYSTEM.sleep(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      firstAttempt.countDown();
    }
  }

  /**
   * Takes in the tables the groups capture now (a table added to a group's configuration, or newly
   * matching its pattern; one removed): a running capture stops and starts again with them, which
   * copies a table that joined before capture streams again (see {@code CapturePreflight}). A
   * standby keeps them for when it leads.
   */
  public void recapture(PipelineConfig changed, CapturedTables tables) {
    if (!changed.name().equals(config.name())) {
      throw new IllegalArgumentException("pipeline " + changed.name() + " is not " + config.name());
    }
    Scope next = new Scope(changed, tables);
    synchronized (this) {
      scope = next;
    }
    CaptureRun c = current;
    if (c != null) {
      c.stopFor(new TablesChanged());
    }
  }

  /** The tables capture takes in now. */
  public CapturedTables tables() {
    return scope.tables();
  }

  private record Scope(PipelineConfig config, CapturedTables tables) {}

  /** Why capture stopped to start again: the captured tables changed. */
  private static final class TablesChanged extends TryAgainException {
    TablesChanged() {
      super("the captured tables changed");
    }
  }

  private boolean leads(Lease term) {
    Lease held = lease;
    return running && held != null && held.epoch() == term.epoch();
  }

  /** Makes a started capture the current one, unless the term ended while it started. */
  private synchronized boolean adopt(CaptureRun c, Lease term) {
    if (leads(term)) {
      current = c;
      return true;
    }
    return false;
  }

  private synchronized void disown(CaptureRun c) {
    if (current == c) {
      current = null;
    }
  }

  /** Stops the capture of this term; its loop sees the term is over and ends. */
  private void stopCapture() {
    CaptureRun c = current;
    if (c != null) {
      c.close();
    }
  }

  /** Records a failure a person must act on, logging its full cause once. */
  private void halt(Throwable e) {
    Throwable explained = CaptureFailures.explain(config, e);
    if (failure.compareAndSet(null, explained)) {
      restarts.clear();
      log.error("capture of pipeline {} halted: {}", config.name(), explained.getMessage(), e);
    }
  }

  private void release() {
    if (lease != null) {
      try {
        leases.release(lease);
      } catch (RuntimeException e) {
        log.warn("could not release the capture lease: {}", e.toString());
      }
      lease = null;
    }
  }

  /** Whether this process captures now. */
  public boolean isLeader() {
    return current != null;
  }

  /**
   * Why this process is not ready, if it is not: capture halted on an error, it is being started
   * again after one, the leader's engine is not running, or a standby has not reached the lease
   * store for a lease timeout.
   */
  public Optional<String> notReady() {
    Optional<Throwable> f = failure();
    if (f.isPresent()) {
      return Optional.of("capture halted: " + f.get().getMessage());
    }
    Optional<String> restarting = restarts.problem();
    if (restarting.isPresent()) {
      return Optional.of("capture restarting: " + restarting.get());
    }
    CaptureRun c = current;
    if (c != null) {
      return c.isRunning() ? Optional.empty() : Optional.of("capture engine not running");
    }
    if (lease != null) {
      return Optional.of("capture starting");
    }
    Instant contact = lastLeaseContact;
    if (contact == null || contact.isBefore(clock.instant().minus(timeout))) {
      return Optional.of(
          "capture lease store (DynamoDB) not reached for " + timeout.toSeconds() + " s");
    }
    return Optional.empty();
  }

  /** What keeps capture from running while it is started again after an error; else empty. */
  public Optional<String> restarting() {
    return restarts.problem();
  }

  /** The counters of the capture running here; all zero while standing by. */
  public CaptureStats stats() {
    CaptureRun c = current;
    return c == null ? standbyStats : c.stats();
  }

  /** Why capture halted, if it did: an error a person must act on. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Stops capturing (offsets flushed) and gives the lease up, so a standby takes over at once. */
  @Override
  public void close() {
    running = false;
    synchronized (wake) {
      wake.notifyAll();
    }
    Thread t = thread;
    if (t != null) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopCapture();
    starter.shutdownNow(); // ends a wait between restarts
    try {
      if (!starter.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("capture of pipeline {} did not stop within 60 s", config.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      release();
    }
    reportIfDue(true);
  }
}
