package io.sluice.capture;

import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LeaseLostException;
import io.sluice.checkpoint.LeaseStore;
import io.sluice.core.config.PipelineConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs a pipeline's capture in exactly one process at a time: the process holding the pipeline's
 * capture lease captures; any other waits as a standby and takes over when the lease expires (the
 * leader died or stalled), resuming from the stored source offset. A leader that loses its lease
 * stops capturing at once. The replication slot admits one reader anyway; the lease makes the
 * handover orderly instead of a race of failing connections.
 */
public final class CaptureSingleton implements AutoCloseable {
  /** The lease key: not a valid group name, so no group's leases can clash with it. */
  public static final String LEASE_GROUP = ":capture";

  private static final Logger log = LoggerFactory.getLogger(CaptureSingleton.class);

  private final PipelineConfig config;
  private final CapturedTables tables;
  private final LeaseStore leases;
  private final String workerId;
  private final Duration timeout;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Object wake = new Object();
  private final CaptureStats standbyStats = new CaptureStats();
  private final CaptureMetrics metrics;
  private final SlotWatch slotWatch;
  private volatile Instant lastLeaseContact;
  private volatile CaptureService current;
  private volatile boolean running;
  private Lease lease;
  private boolean standingBy;
  private Thread thread;
  private final ExecutorService starter =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sluice-capture-start");
            t.setDaemon(true);
            return t;
          });
  private Future<?> starting;

  /**
   * @param leases the store of the capture lease, which renews it on its clock
   * @param timeout how long the leader holds the lease without renewing it
   */
  public CaptureSingleton(
      PipelineConfig config,
      CapturedTables tables,
      LeaseStore leases,
      String workerId,
      Duration timeout) {
    this(config, tables, leases, workerId, timeout, new CaptureMetrics());
  }

  /**
   * @param metrics the meters of capture in this process; registered here, on leader and standby
   *     alike (every capture process reports the slot)
   */
  public CaptureSingleton(
      PipelineConfig config,
      CapturedTables tables,
      LeaseStore leases,
      String workerId,
      Duration timeout,
      CaptureMetrics metrics) {
    this.config = config;
    this.tables = tables;
    this.leases = leases;
    this.workerId = workerId;
    this.timeout = timeout;
    this.metrics = metrics;
    this.slotWatch = new SlotWatch(config, metrics);
    metrics.bind(this::isLeader, () -> failure().isPresent());
  }

  /**
   * Tries once to lead at once, and if it leads waits until capture has started (so a lone process
   * captures when this returns); then keeps leading or standing by in the background. The lease is
   * renewed on its own thread, also while capture starts, which can take longer than a lease.
   */
  public void start() throws InterruptedException {
    Future<?> first;
    synchronized (this) {
      if (thread != null) {
        throw new IllegalStateException("capture singleton already started");
      }
      running = true;
      step();
      first = starting;
      thread = new Thread(this::loop, "sluice-capture-lease-" + config.name());
      thread.setDaemon(true);
      thread.start();
    }
    if (first != null) {
      try {
        first.get();
      } catch (ExecutionException e) {
        // recorded as the failure by the start task
      }
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
        // also once capture halted: the slot keeps WAL, and its alert needs the figure
        slotWatch.pollIfDue();
      }
    }
    slotWatch.close();
  }

  private synchronized void step() {
    try {
      if (lease == null) {
        lead();
        return;
      }
      CaptureService c = current;
      if (c != null && c.failure().isPresent()) {
        failure.compareAndSet(null, c.failure().get());
        return;
      }
      try {
        lease = leases.renewIfDue(lease);
        lastLeaseContact = Instant.now();
      } catch (LeaseLostException lost) {
        log.error(
            "{} lost the capture lease of pipeline {}; capture stops here: {}",
            workerId,
            config.name(),
            lost.getMessage());
        stopCapture();
        lease = null;
      }
    } catch (RuntimeException | Error e) {
      failure.compareAndSet(null, e);
      log.error("capture of pipeline {} stopped: {}", config.name(), e.getMessage());
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
    lastLeaseContact = Instant.now();
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
    starting = starter.submit(() -> startCapture(term));
  }

  /** Starts capture for one term of leadership, unless the term ended meanwhile. */
  private void startCapture(Lease term) {
    CaptureService c = new CaptureService(config, tables, Optional.of(term), metrics);
    try {
      c.start();
    } catch (Exception | Error e) {
      c.close();
      failure.compareAndSet(
          null, new IllegalStateException("capture could not start: " + e.getMessage(), e));
      log.error("capture of pipeline {} could not start: {}", config.name(), e.getMessage());
      synchronized (this) {
        release();
      }
      return;
    }
    synchronized (this) {
      if (running && lease != null && lease.epoch() == term.epoch()) {
        current = c;
        return;
      }
    }
    // the lease was lost, or the singleton closed, while capture started
    c.close();
  }

  /** Stops the capture of this term; one still starting sees the term is over and stops itself. */
  private void stopCapture() {
    CaptureService c = current;
    current = null;
    if (c != null) {
      c.close();
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
   * Why this process is not ready, if it is not: capture stopped on an error, the leader's engine
   * is not running, or a standby has not reached the lease store for a lease timeout.
   */
  public Optional<String> notReady() {
    Optional<Throwable> f = failure();
    if (f.isPresent()) {
      return Optional.of("capture halted: " + f.get().getMessage());
    }
    CaptureService c = current;
    if (c != null) {
      return c.isRunning() ? Optional.empty() : Optional.of("capture engine not running");
    }
    Instant contact = lastLeaseContact;
    if (contact == null || contact.isBefore(Instant.now().minus(timeout))) {
      return Optional.of(
          "capture lease store (DynamoDB) not reached for " + timeout.toSeconds() + " s");
    }
    return Optional.empty();
  }

  /** The counters of the capture running here; all zero while standing by. */
  public CaptureStats stats() {
    CaptureService c = current;
    return c == null ? standbyStats : c.stats();
  }

  /** Why capture stopped on its own, if it did. */
  public Optional<Throwable> failure() {
    CaptureService c = current;
    if (failure.get() == null && c != null && c.failure().isPresent()) {
      return c.failure();
    }
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
    synchronized (this) {
      stopCapture();
      release();
    }
    starter.shutdown();
    try {
      if (!starter.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
        log.warn("capture of pipeline {} did not finish starting within 60 s", config.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
