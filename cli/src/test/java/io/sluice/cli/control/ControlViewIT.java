package io.sluice.cli.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.capture.CaptureSingleton;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbGroupControlStore;
import io.sluice.checkpoint.DynamoDbLeaseStore;
import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.StateTables;
import io.sluice.checkpoint.WorkerStatus;
import io.sluice.checkpoint.WorkerStatus.ActualState;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What `sluice ctl status` and the admin API make of the reports in DynamoDB: a halted or
 * restarting capture shows, lag in seconds grows while nothing is applied, and a halt an earlier
 * process left behind neither sets the group's state nor its last error.
 */
class ControlViewIT {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void aHaltedCaptureIsShownWithItsErrorAndHowFarItGot() throws Exception {
    try (TestIsolation slice = TestIsolation.create("ctl capture");
        DynamoDbClient dynamo = DynamoDbClients.create(config(slice).dynamoDb())) {
      PipelineConfig config = config(slice);
      DynamoDbGroupControlStore store = store(dynamo, config);
      long capturedThrough = micros(NOW.minusSeconds(130));
      store.report(
          capture("capture-a", ActualState.HALTED, capturedThrough, "slot was dropped", 2));
      store.report(capture("capture-b", ActualState.STANDBY, 0, "", 3));

      try (ControlView view = ControlView.of(config, dynamo, Clock.fixed(NOW, ZoneOffset.UTC))) {
        CaptureView c = view.capture();
        assertThat(c.state()).isEqualTo("HALTED");
        assertThat(c.worker()).isEqualTo("capture-a");
        assertThat(c.lastError()).isEqualTo("slot was dropped");
        assertThat(c.lagSeconds()).isEqualTo(130.0);
        assertThat(c.standbys()).containsExactly("capture-b");
      }
      // a minute later nobody reported: nothing is known to run
      try (ControlView later =
          ControlView.of(config, dynamo, Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC))) {
        assertThat(later.capture().state()).isEqualTo("UNKNOWN");
      }
    }
  }

  @Test
  void aHaltAnEarlierProcessLeftBehindNeitherSetsStateNorLastErrorAndGoneWorkersDisappear()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("ctl stale");
        DynamoDbClient dynamo = DynamoDbClients.create(config(slice).dynamoDb())) {
      PipelineConfig config = config(slice);
      DynamoDbGroupControlStore store = store(dynamo, config);
      // killed while halted, ten minutes ago; its replacement runs and reports now
      store.report(worker("pod-1", ActualState.HALTED, "old error", Duration.ofMinutes(10)));
      store.report(worker("pod-2", ActualState.RUNNING, "", Duration.ofSeconds(1)));
      // killed a minute ago while running: unreachable, not yet gone
      store.report(worker("pod-3", ActualState.RUNNING, "", Duration.ofMinutes(1)));

      try (ControlView view = ControlView.of(config, dynamo, Clock.fixed(NOW, ZoneOffset.UTC))) {
        GroupView g = view.group("quotes").orElseThrow();
        assertThat(g.actual()).isEqualTo("RUNNING");
        assertThat(g.lastError()).isEmpty();
        assertThat(g.workers())
            .extracting(GroupView.Worker::worker, GroupView.Worker::state)
            .containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("pod-2", "RUNNING"),
                org.assertj.core.groups.Tuple.tuple("pod-3", "UNREACHABLE"));
        // applied up to 40 s ago, though Kafka holds nothing more: the lag is 40 s, not 0
        assertThat(g.partitions().get(0).lagSeconds()).isEqualTo(40.0);
      }

      store.report(worker("pod-2", ActualState.RETRYING, "target write failing", Duration.ZERO));
      try (ControlView view = ControlView.of(config, dynamo, Clock.fixed(NOW, ZoneOffset.UTC))) {
        GroupView g = view.group("quotes").orElseThrow();
        assertThat(g.actual()).isEqualTo("RETRYING");
        assertThat(g.lastError()).isEqualTo("target write failing");
      }
    }
  }

  /**
   * An operator's pause is a JVM start plus a few requests: no Kafka client, and DynamoDB asked a
   * handful of times (tables found by one listing, the control item read and written, the audit).
   */
  @Test
  void aPauseAsksDynamoDbAFewTimesAndKafkaNothing() throws Exception {
    try (TestIsolation slice = TestIsolation.create("ctl pause requests")) {
      PipelineConfig config = config(slice);
      try (DynamoDbClient setup = DynamoDbClients.create(config.dynamoDb())) {
        new StateTables(config.dynamoDb().tablePrefix()).ensureExist(setup);
      }
      java.util.concurrent.atomic.AtomicInteger requests =
          new java.util.concurrent.atomic.AtomicInteger();
      DynamoDbClient counted =
          DynamoDbClient.builder()
              .region(software.amazon.awssdk.regions.Region.of(config.dynamoDb().region()))
              .endpointOverride(config.dynamoDb().endpoint().orElseThrow())
              .credentialsProvider(
                  software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                      software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                          "local", "local")))
              .overrideConfiguration(
                  o ->
                      o.addExecutionInterceptor(
                          new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                            @Override
                            public void beforeExecution(
                                software.amazon.awssdk.core.interceptor.Context.BeforeExecution
                                    context,
                                software.amazon.awssdk.core.interceptor.ExecutionAttributes
                                    attributes) {
                              requests.incrementAndGet();
                            }
                          }))
              .build();

      try (ControlView view = ControlView.open(config, counted, Clock.systemUTC())) {
        assertThat(view.pause("quotes", "index rebuild", "ops")).isTrue();
        assertThat(view.kafkaOpened()).isFalse();
      }
      assertThat(requests.get()).isBetween(1, 5);
    }
  }

  @Test
  void aCopyLoadUnderWayShowsItsChunksAndRowsAndThenThatItFinished() throws Exception {
    try (TestIsolation slice = TestIsolation.create("ctl load")) {
      PipelineConfig config =
          new ConfigLoader(Map.of("SLUICE_CAPTURE_INITIAL_LOAD", "copy"))
              .parse(
                  slice.pipelineYaml("- {name: quotes, tables: [quotes], partitions: 1}"), "test");
      try (DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb())) {
        store(dynamo, config);
        StateTables tables = new StateTables(config.dynamoDb().tablePrefix());
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Lease lease =
            new DynamoDbLeaseStore(dynamo, tables, clock, Duration.ofSeconds(15))
                .tryAcquire(CaptureSingleton.LEASE_GROUP, 0, "capture-a")
                .orElseThrow();
        DynamoDbLoadProgressStore load = new DynamoDbLoadProgressStore(dynamo, tables, clock);
        List<LoadChunk> chunks =
            List.of(
                new LoadChunk(
                    "\"public\".\"quotes\"",
                    0,
                    java.util.Optional.of("id"),
                    java.util.Optional.empty(),
                    java.util.Optional.of("1001"),
                    1_000),
                new LoadChunk(
                    "\"public\".\"quotes\"",
                    1,
                    java.util.Optional.of("id"),
                    java.util.Optional.of("1001"),
                    java.util.Optional.empty(),
                    1_500));
        load.start(LoadPlan.of(1, chunks, Map.of()), lease);
        load.copied(chunks.get(0), 998, lease);

        try (ControlView view = ControlView.of(config, dynamo, clock)) {
          assertThat(view.capture().load()).isEqualTo(new LoadView("LOADING", 2, 1, 998, 2_500));
        }
        load.copied(chunks.get(1), 1_502, lease);
        load.finish(lease);
        try (ControlView view = ControlView.of(config, dynamo, clock)) {
          assertThat(view.capture().load()).isEqualTo(new LoadView("FINISHED", 2, 2, 2_500, 2_500));
        }
      }
    }
  }

  private static PipelineConfig config(TestIsolation slice) {
    return new ConfigLoader(Map.of())
        .parse(slice.pipelineYaml("- {name: quotes, tables: [quotes], partitions: 1}"), "test");
  }

  private static DynamoDbGroupControlStore store(DynamoDbClient dynamo, PipelineConfig config) {
    StateTables tables = new StateTables(config.dynamoDb().tablePrefix());
    tables.ensureExist(dynamo);
    return new DynamoDbGroupControlStore(dynamo, tables, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static WorkerStatus capture(
      String worker, ActualState state, long through, String error, int secondsAgo) {
    return new WorkerStatus(
        CaptureSingleton.LEASE_GROUP,
        worker,
        state,
        List.of(),
        through == 0 ? Map.of() : Map.of(0, through),
        error,
        NOW.minusSeconds(secondsAgo));
  }

  private static WorkerStatus worker(
      String worker, ActualState state, String error, Duration silentFor) {
    return new WorkerStatus(
        "quotes",
        worker,
        state,
        List.of(0),
        Map.of(0, micros(NOW.minusSeconds(40))),
        error,
        NOW.minus(silentFor));
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }
}
