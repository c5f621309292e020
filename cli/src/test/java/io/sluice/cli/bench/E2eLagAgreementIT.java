package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.cli.Pipeline;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.bench.BenchSchema;
import io.sluice.embedded.bench.BenchWorkload;
import io.sluice.embedded.bench.LagProbe;
import io.sluice.embedded.bench.PacedWorkload;
import io.sluice.embedded.bench.ProbePoller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The lag {@code sluice bench e2e} measures with its probes and the lag sluice reports as {@code
 * sluice_apply_lag_seconds} (the largest of the group's partitions, read from the meters the apply
 * worker registers in) must agree within one heartbeat interval, read at the same moments: each
 * time a probe row becomes visible on the target during a paced load.
 */
class E2eLagAgreementIT {
  private static final long ROWS = 5_000;

  private record Sample(long probeId, double probeMillis, double meterMillis) {}

  @Test
  void probeLagAndApplyLagMetricAgreeWithinOneHeartbeatInterval() throws Exception {
    try (TestIsolation slice = TestIsolation.create("e2e lag agreement")) {
      try (Connection c = slice.connectSource()) {
        BenchSchema.create(c, ROWS);
        LagProbe.createTable(c);
        BenchWorkload.install(c);
      }
      Path file = Path.of("target", "e2e-lag-agreement-it.yaml");
      Files.writeString(
          file,
          slice.pipelineYaml(
              "capture:\n  heartbeat-interval: 1s\n",
              """
              - {name: fills, tables: [public.fills, public.lag_probe], partitions: 4}
              - {name: small, tables: [public.accounts, public.instruments, public.positions], \
              partitions: 2}"""));
      PipelineConfig config = new ConfigLoader(Map.of()).load(file);
      double heartbeatMillis = config.capture().heartbeatInterval().toMillis();
      List<Sample> samples = new CopyOnWriteArrayList<>();
      AtomicBoolean loading = new AtomicBoolean();
      try (Pipeline pipeline = Pipeline.start(config)) {
        SluiceMeters meters = new SluiceMeters(pipeline.meters());
        try (LagProbe probe = LagProbe.start(slice.connectSource(), Duration.ofMillis(100));
            ProbePoller poller =
                ProbePoller.start(
                    "sluice",
                    slice.connectTarget(),
                    Duration.ofMillis(5),
                    (id, lag) -> {
                      if (loading.get()) {
                        samples.add(new Sample(id, lag, meters.applyLagSeconds("fills") * 1000));
                      }
                    });
            PacedWorkload workload = new PacedWorkload(slice.sourceJdbcUrl(), ROWS, 2)) {
          await()
              .atMost(Duration.ofMinutes(2))
              .until(() -> pipeline.failure().isEmpty() && poller.seen(1));
          // A partition's lag gauge is registered at the worker's next control read after its
          // first batch, a few seconds at most; the comparison starts once it is there.
          await()
              .atMost(Duration.ofMinutes(1))
              .until(() -> !Double.isNaN(meters.applyLagSeconds("fills")));
          loading.set(true);
          PacedWorkload.Step step = workload.run(1_000, Duration.ofSeconds(15));
          long last = probe.nextId();
          await().atMost(Duration.ofMinutes(1)).until(() -> poller.seenAllBelow(last));
          loading.set(false);
          assertThat(step.rows()).isGreaterThan(10_000);
          assertThat(pipeline.failure()).isEmpty();
          assertThat(probe.failure()).isEmpty();
          assertThat(poller.failure()).isEmpty();
        }
      }
      assertThat(samples).as("probes seen during the load").hasSizeGreaterThanOrEqualTo(100);
      assertThat(samples)
          .as("probe lag and sluice_apply_lag_seconds, ms, heartbeat %s ms", heartbeatMillis)
          .allSatisfy(
              s ->
                  assertThat(Math.abs(s.meterMillis() - s.probeMillis()))
                      .as("%s", s)
                      .isLessThanOrEqualTo(heartbeatMillis));
    }
  }
}
