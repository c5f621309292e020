package io.sluice.cli.bench;

import io.sluice.cli.bench.SustainRule.Verdict;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.bench.LagProbe;
import io.sluice.embedded.bench.PacedWorkload;
import io.sluice.embedded.bench.ProbePoller;
import io.sluice.embedded.bench.ResourceMeter;
import io.sluice.embedded.bench.ResourceUsage;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The measured part of {@code sluice bench e2e}, with both contenders streaming: the fixed steps
 * and the ramp, or the soak. A step runs the paced workload at its rate for its duration, then
 * waits (at most the settle time) until both targets show the step's last probe, so that one step's
 * backlog does not spill into the next; the step's probes are those written while its workload ran.
 */
final class E2eSteps {
  private static final long SETTLE_POLL_MILLIS = 10;

  private final E2eOptions options;
  private final PrintWriter out;
  private final EmbeddedInfrastructure infra;
  private final SluiceMeters meters;
  private final LagProbe probe;
  private final ProbePoller sluiceLag;
  private final ProbePoller nativeLag;
  private final PacedWorkload workload;
  private final Supplier<Optional<Throwable>> failure;

  E2eSteps(
      E2eOptions options,
      PrintWriter out,
      EmbeddedInfrastructure infra,
      SluiceMeters meters,
      LagProbe probe,
      ProbePoller sluiceLag,
      ProbePoller nativeLag,
      PacedWorkload workload,
      Supplier<Optional<Throwable>> failure) {
    this.options = options;
    this.out = out;
    this.infra = infra;
    this.meters = meters;
    this.probe = probe;
    this.sluiceLag = sluiceLag;
    this.nativeLag = nativeLag;
    this.workload = workload;
    this.failure = failure;
  }

  /** The soak when one is asked for, else the fixed steps and then the ramp. */
  List<E2eStep> run() throws Exception {
    if (!options.warmUp().isZero()) {
      say("");
      say(
          "warm-up (not measured): %,d changes/s for %d s",
          E2eOptions.WARM_UP_RATE, options.warmUp().toSeconds());
      workload.run(E2eOptions.WARM_UP_RATE, options.warmUp());
      settle(probe.nextId());
    }
    return options.soak().isPresent() ? soak(options.soak().get()) : stepsAndRamp();
  }

  private List<E2eStep> stepsAndRamp() throws Exception {
    List<E2eStep> steps = new ArrayList<>();
    for (int rate : options.rates()) {
      steps.add(step(String.format(Locale.ROOT, "%,d/s", rate), rate, options.stepDuration()));
    }
    E2eStep previous = steps.get(steps.size() - 1);
    double rate = options.rates().stream().mapToInt(r -> r).max().orElseThrow();
    for (int i = 1; i <= options.rampSteps(); i++) {
      if (!continuesRamp(previous)) {
        break;
      }
      rate *= options.rampFactor();
      int rounded = (int) Math.round(rate / 100) * 100;
      previous =
          step(
              String.format(Locale.ROOT, "ramp %,d/s", rounded),
              rounded,
              options.rampStepDuration());
      steps.add(previous);
    }
    return steps;
  }

  private boolean continuesRamp(E2eStep previous) {
    if (previous.sluiceVerdict() == Verdict.SOURCE_SHORT) {
      say(
          "ramp ends: the source reached only %,.0f of %,d changes/s; rates past it measure the"
              + " source, not the contenders",
          previous.source().rowsPerSecond(), previous.rate());
      return false;
    }
    if (previous.sluiceVerdict() != Verdict.SUSTAINED
        && previous.nativeVerdict() != Verdict.SUSTAINED) {
      say("ramp ends: neither contender sustained %,d changes/s", previous.rate());
      return false;
    }
    return true;
  }

  private List<E2eStep> soak(Duration length) throws Exception {
    long intervals =
        Math.max(
            1,
            (length.toNanos() + E2eOptions.SOAK_INTERVAL.toNanos() - 1)
                / E2eOptions.SOAK_INTERVAL.toNanos());
    say("");
    say(
        "soak: %,d changes/s for %d intervals of %d s, a line per interval",
        E2eOptions.SOAK_RATE, intervals, E2eOptions.SOAK_INTERVAL.toSeconds());
    List<E2eStep> steps = new ArrayList<>();
    for (int i = 1; i <= intervals; i++) {
      steps.add(
          step(
              String.format(Locale.ROOT, "soak %d", i),
              E2eOptions.SOAK_RATE,
              E2eOptions.SOAK_INTERVAL));
    }
    return steps;
  }

  /** Runs one step and prints what it measured. */
  E2eStep step(String label, int rate, Duration duration) throws Exception {
    long first = probe.nextId();
    long captured = meters.capturedEvents();
    long applied = meters.appliedEvents();
    ResourceMeter meter = ResourceMeter.start(infra.source(), infra.target());
    PacedWorkload.Step load = workload.run(rate, duration);
    ResourceUsage usage = meter.finish();
    long last = probe.nextId();
    double seconds = load.took().toNanos() / 1e9;
    double capturedRate = (meters.capturedEvents() - captured) / seconds;
    double appliedRate = (meters.appliedEvents() - applied) / seconds;
    double[] caughtUp = settle(last);
    double[] sluice = sluiceLag.lagsMillis(first, last);
    double[] nat = nativeLag.lagsMillis(first, last);
    double sourceRate = load.rowsPerSecond();
    E2eStep s =
        new E2eStep(
            label,
            rate,
            load,
            LagSummary.of(sluice),
            SustainRule.judge(sluice, rate, sourceRate),
            LagSummary.of(nat),
            SustainRule.judge(nat, rate, sourceRate),
            capturedRate,
            appliedRate,
            usage);
    print(s, caughtUp);
    return s;
  }

  private void print(E2eStep s, double[] caughtUp) {
    say("");
    say(
        "step %s: source %,.0f changes/s (%,d changes, %,d transactions, in %.1f s)%s",
        s.label(),
        s.source().rowsPerSecond(),
        s.source().rows(),
        s.source().transactions(),
        s.source().took().toNanos() / 1e9,
        s.sluiceVerdict() == Verdict.SOURCE_SHORT ? ": SOURCE SHORT of the rate" : "");
    say(
        "  sluice lag p50/p95/p99/max %s: %s; capture %,.0f/s, apply %,.0f/s; %.1f CPU-s per"
            + " million changes (box %.1f); live heap %s",
        s.sluice().describe(),
        s.sluiceVerdict().label(),
        s.capturedPerSecond(),
        s.appliedPerSecond(),
        s.sluiceCpuPerMillion(),
        s.boxCpuPerMillion(),
        E2eReport.heap(s.usage().peakLiveHeapBytes()));
    say("  this JVM's CPU by thread: %s", BenchReport.topThreads(s.usage(), 6));
    say("  native lag p50/p95/p99/max %s: %s", s.nativeLag().describe(), s.nativeVerdict().label());
    say(
        "  last probe visible %s after the step's end (sluice), %s (native)",
        after(caughtUp[0]), after(caughtUp[1]));
  }

  private String after(double seconds) {
    return Double.isNaN(seconds)
        ? String.format(Locale.ROOT, "not within %d s", options.settle().toSeconds())
        : String.format(Locale.ROOT, "%.2f s", seconds);
  }

  /**
   * Waits until both targets show every probe below {@code last}, at most the settle time; returns
   * the seconds each took, NaN for one that did not within it.
   */
  double[] settle(long last) throws Exception {
    long start = System.nanoTime();
    long deadline = start + options.settle().toNanos();
    double sluice = Double.NaN;
    double nat = Double.NaN;
    while (true) {
      Optional<Throwable> failed = failure.get();
      if (failed.isPresent()) {
        throw new IllegalStateException(
            "the run stopped: " + failed.get().getMessage(), failed.get());
      }
      long now = System.nanoTime();
      if (Double.isNaN(sluice) && sluiceLag.seenAllBelow(last)) {
        sluice = (now - start) / 1e9;
      }
      if (Double.isNaN(nat) && nativeLag.seenAllBelow(last)) {
        nat = (now - start) / 1e9;
      }
      if ((!Double.isNaN(sluice) && !Double.isNaN(nat)) || now > deadline) {
        return new double[] {sluice, nat};
      }
      TimeUnit.MILLISECONDS.sleep(SETTLE_POLL_MILLIS);
    }
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
