package io.sluice.core.retry;

import java.time.Duration;

/** Waits; injected so that tests of retrying code need not wait for real. */
@FunctionalInterface
public interface Sleeper {
  /** {@link Thread#sleep}, interruptible. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));

  void sleep(Duration duration) throws InterruptedException;
}
