package io.sluice.cli;

import io.sluice.core.config.PipelineConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs capture and apply for every group of a pipeline against real endpoints. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run capture and apply for all groups of a pipeline until stopped.",
      "A part that halts on an error stays halted, and the process keeps serving /metrics and"
          + " /ready (503) so the error is seen; it exits 1 when stopped after a halt."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "Pipeline configuration (YAML); SLUICE_* variables override its keys.")
  Path config;

  @Option(
      names = "--role",
      defaultValue = "all",
      paramLabel = "ROLE",
      description =
          "What this process runs: all (capture and apply), capture (one process of a pipeline"
              + " captures, others stand by), apply. Default: ${DEFAULT-VALUE}.")
  String role;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      description = "Apply only this group (repeatable; default: every group).")
  List<String> groups = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PipelineConfig cfg = PipelineConfigs.load(config);
    CountDownLatch stop = new CountDownLatch(1);
    // A stop requested while the pipeline prepares (retrying an unreachable database, say) ends
    // the wait: Kubernetes sends SIGTERM once, and SIGKILL when the grace period is over. Once
    // prepared, the pipeline starts in full and then stops.
    AtomicReference<Thread> preparing = new AtomicReference<>(Thread.currentThread());
    Signals.onInterrupt(
        () -> {
          stop.countDown();
          Thread t = preparing.getAndSet(null);
          if (t != null) {
            t.interrupt();
          }
        });
    Pipeline.Role r;
    try {
      r = Pipeline.Role.valueOf(role.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--role must be all, capture or apply, not '" + role + "'");
    }
    if (r == Pipeline.Role.CAPTURE && !groups.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--group applies to apply; --role capture captures every group");
    }
    LoadProgressBar progress =
        new LoadProgressBar(spec.commandLine().getErr(), Clock.systemUTC(), Duration.ofSeconds(2));
    // once prepared, the pipelines start in full, and then stop
    Runnable prepared =
        () -> {
          if (preparing.getAndSet(null) == null) {
            Thread.interrupted(); // a stop came as preparing ended: the latch holds it
          }
        };
    DirectedPipelines pipelines;
    try {
      pipelines = DirectedPipelines.start(cfg, r, groups, progress, Optional.of(config), prepared);
    } catch (InterruptedException e) {
      if (stop.getCount() == 0) {
        log.info("pipeline {} stopped before it started", cfg.name());
        return 0;
      }
      throw e;
    } finally {
      if (preparing.getAndSet(null) == null) {
        Thread.interrupted(); // a stop came as preparing ended: the latch holds it
      }
    }
    try (pipelines) {
      log.info("pipeline {} running; stop with Ctrl-C or SIGTERM", cfg.name());
      boolean halted = false;
      while (!stop.await(1, TimeUnit.SECONDS)) {
        if (!halted && pipelines.failure().isPresent()) {
          // Stay up: the error shows on /ready, in the metrics and in `sluice ctl status` until
          // someone fixes its cause and restarts the process; a restart loop would hide it.
          log.error(
              "pipeline {} halted on an error: {}; this process keeps serving /metrics and"
                  + " /ready (503) until it is stopped",
              cfg.name(),
              pipelines.failure().get().getMessage());
          halted = true;
        }
        // a cutover that moved a group restarts both directions (and clears a halt of the old)
        preparing.set(Thread.currentThread());
        try {
          pipelines.check(prepared);
        } catch (InterruptedException e) {
          break;
        } finally {
          prepared.run();
        }
        if (halted && pipelines.failure().isEmpty()) {
          halted = false;
        }
      }
      log.info("stopping pipeline {}", cfg.name());
      return halted ? 1 : 0;
    }
  }
}
