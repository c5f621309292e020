package io.sluice.cli.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The settings of one {@code sluice bench e2e} run.
 *
 * @param rows rows preloaded into {@code fills}
 * @param rates the fixed steps' rates, in changes/s
 * @param stepDuration how long each fixed step runs
 * @param warmUp how long both contenders carry {@link #WARM_UP_RATE} changes/s before any step is
 *     measured (zero for none)
 * @param rampSteps at most this many ramp steps after the fixed ones (0: no ramp)
 * @param rampFactor each ramp step's rate over the previous step's
 * @param rampStepDuration how long each ramp step runs
 * @param settle the most the run waits after a step for both targets to show its last probe
 * @param soak when present, a soak of this length at {@link #SOAK_RATE} changes/s replaces the
 *     steps and the ramp
 * @param sessions source sessions of the paced workload
 * @param partitions partitions of the large table's group
 * @param rawChanges changes of the burst Debezium's raw rate is measured on (0: not measured)
 * @param workDir where every file goes
 */
record E2eOptions(
    long rows,
    List<Integer> rates,
    Duration stepDuration,
    Duration warmUp,
    int rampSteps,
    double rampFactor,
    Duration rampStepDuration,
    Duration settle,
    Optional<Duration> soak,
    int sessions,
    int partitions,
    long rawChanges,
    Path workDir) {
  static final int WARM_UP_RATE = 1_000;
  static final int SOAK_RATE = 5_000;
  static final Duration SOAK_INTERVAL = Duration.ofMinutes(1);

  E2eOptions {
    rates = List.copyOf(rates);
  }
}
