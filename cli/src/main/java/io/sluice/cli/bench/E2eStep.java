package io.sluice.cli.bench;

import io.sluice.cli.bench.SustainRule.Verdict;
import io.sluice.embedded.bench.PacedWorkload;
import io.sluice.embedded.bench.ResourceUsage;

/**
 * One measured step of {@code sluice bench e2e}: the rate asked for, what the source committed,
 * each contender's probe lags and verdict, sluice's capture and apply rates, and what the step cost
 * this JVM (capture, apply, and the embedded Kafka broker and DynamoDB Local it also hosts).
 *
 * @param capturedPerSecond changes capture sent to Kafka per second of the step
 * @param appliedPerSecond changes apply committed to the target per second of the step
 */
record E2eStep(
    String label,
    int rate,
    PacedWorkload.Step source,
    LagSummary sluice,
    Verdict sluiceVerdict,
    LagSummary nativeLag,
    Verdict nativeVerdict,
    double capturedPerSecond,
    double appliedPerSecond,
    ResourceUsage usage) {

  /** The thread names of the benchmark's own work in this JVM: workload, probe and pollers. */
  static final String BENCH_THREADS = "sluice-bench-";

  /**
   * CPU-seconds per million changes the source committed in the step, of this JVM less the
   * benchmark's own threads (the workload's sessions, the probe and the pollers are clients of the
   * servers, not part of sluice).
   */
  double sluiceCpuPerMillion() {
    double bench =
        usage.jvmThreadCpuSeconds().entrySet().stream()
            .filter(e -> e.getKey().startsWith(BENCH_THREADS))
            .mapToDouble(e -> e.getValue())
            .sum();
    return ResourceUsage.perMillion(Math.max(0, usage.jvmCpuSeconds() - bench), source.rows());
  }

  /** The whole box's CPU-seconds per million changes the source committed in the step. */
  double boxCpuPerMillion() {
    return ResourceUsage.perMillion(usage.boxCpuSeconds(), source.rows());
  }
}
