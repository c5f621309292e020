package io.sluice.cli;

import sun.misc.Signal;

/**
 * Turns the first Ctrl-C or SIGTERM into a graceful stop request; a second one exits at once
 * (shutdown hooks still stop the embedded servers).
 */
final class Signals {
  private Signals() {}

  static void onInterrupt(Runnable stopRequest) {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(
          new Signal(name),
          sig -> {
            Signal.handle(sig, s -> System.exit(130));
            stopRequest.run();
          });
    }
  }
}
