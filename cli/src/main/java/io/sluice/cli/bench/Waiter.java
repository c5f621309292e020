package io.sluice.cli.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Polls a condition every {@value #POLL_MILLIS} ms (the resolution of every timed drain), runs a
 * progress step at a fixed interval, and gives up when a pipeline component failed or after {@value
 * #LIMIT_MINUTES} minutes.
 */
final class Waiter {
  static final long POLL_MILLIS = 100;
  static final long LIMIT_MINUTES = 30;

  interface Condition {
    boolean holds() throws Exception;
  }

  interface Step {
    void run() throws Exception;
  }

  private final PrintWriter out;
  private final Duration progressEvery;
  private Supplier<Optional<Throwable>> failure = Optional::empty;

  Waiter(PrintWriter out, Duration progressEvery) {
    this.out = out;
    this.progressEvery = progressEvery;
  }

  void setFailureCheck(Supplier<Optional<Throwable>> failure) {
    this.failure = failure;
  }

  void await(String what, Condition done) throws Exception {
    await(what, done, () -> {});
  }

  void await(String what, Condition done, Step progress) throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MINUTES.toNanos(LIMIT_MINUTES);
    long nextProgress = start + progressEvery.toNanos();
    while (!done.holds()) {
      Optional<Throwable> failed = failure.get();
      if (failed.isPresent()) {
        throw new IllegalStateException(
            what + " stopped: " + failed.get().getMessage(), failed.get());
      }
      long now = System.nanoTime();
      if (now > deadline) {
        throw new IllegalStateException(
            what + " did not finish within " + LIMIT_MINUTES + " minutes");
      }
      if (now >= nextProgress) {
        progress.run();
        out.flush();
        nextProgress += progressEvery.toNanos();
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    }
  }
}
