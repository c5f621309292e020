package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.capture.CaptureSingleton;
import io.sluice.core.config.CredentialSources;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import io.sluice.embedded.verify.TableComparison;
import io.sluice.embedded.workload.ChangeGenerator;
import io.sluice.embedded.workload.TradingSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What happens to the source in production, each under a steady trading workload: a crash and
 * restart while streaming, while capture starts, and in the middle of the initial snapshot. Capture
 * starts again by itself and every table ends exactly equal to the source. A slot or publication
 * dropped by someone is the one thing that halts it, saying what happened.
 */
class SourceFaultIT {
  private static final String GROUPS =
      """
      - name: fills
        tables: [public.fills]
        partitions: 2
      - name: reference
        tables: ["public.ref_*", "public.cfg_*"]
        partitions: 2
      """;

  private static EmbeddedInfrastructure infra;

  @BeforeAll
  static void ownServers() {
    infra = EmbeddedInfrastructure.shared().withOwnPostgres("source faults");
  }

  @AfterAll
  static void stopServers() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void aSourceCrashWhileStreamingIsRiddenOut() throws Exception {
    try (Run run = new Run("source crash streaming", 2_000)) {
      run.startPipeline();
      run.awaitStreaming();
      run.startWorkload();
      run.awaitWorkload(200);

      crashAndRestart(run);

      run.awaitWorkload(300); // and writing on, after the restart
      run.endsExact();
    }
  }

  @Test
  void aSourceDownWhileCaptureStartsIsWaitedFor() throws Exception {
    try (Run run = new Run("source down at start", 2_000)) {
      run.pipeline.prepare();
      EmbeddedPostgres source = infra.source();
      source.crash();
      try {
        run.startPipeline(); // returns after the first attempt failed
        await().atMost(Duration.ofSeconds(30)).until(() -> run.capture.restarting().isPresent());
        assertThat(run.capture.notReady())
            .hasValueSatisfying(r -> assertThat(r).contains("restarting"));
      } finally {
        source.restart();
      }
      run.awaitStreaming();
      run.startWorkload();
      run.awaitWorkload(300);
      run.endsExact();
    }
  }

  @Test
  void aSourceCrashInTheMiddleOfTheInitialSnapshotEndsExactWithoutAPerson() throws Exception {
    // Debezium's snapshot; InitialLoadIT stops the copy load midway
    try (Run run = new Run("source crash snapshot", 300_000, "kafka")) {
      run.startWorkload(); // writes while the snapshot copies, before and after the crash
      run.startPipeline();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .alias("the snapshot has copied part of fills")
          .until(() -> run.capture.stats().events("fills") > 20_000);
      assertThat(run.capture.stats().streaming()).isFalse();

      crashAndRestart(run);

      run.awaitStreaming();
      run.endsExact();
      // every row of the table was written by the second snapshot or streamed after it
      try (Connection target = run.slice.connectTarget();
          Statement st = target.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM fills WHERE _sluice_lsn = 0")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }

  @Test
  void aPasswordRotatedWhileCaptureStreamsIsReadAnewWhenTheSourceRefusesTheOldOne()
      throws Exception {
    String role = "sluice_capture";
    RotatedSecret secret = new RotatedSecret("initial");
    try (Connection admin = infra.source().connect("postgres")) {
      exec(
          admin,
          "DO $$ BEGIN CREATE ROLE "
              + role
              + " LOGIN SUPERUSER;"
              + " EXCEPTION WHEN duplicate_object THEN NULL; END $$",
          "ALTER ROLE " + role + " PASSWORD 'initial'");
    }
    try (Run run =
            new Run(
                "source password rotated",
                Map.of(
                    "SLUICE_SOURCE_USER", role, "SLUICE_SOURCE_PASSWORD_SECRET", "sluice/source"),
                secret.asSecretsManager());
        Connection admin = infra.source().connect("postgres")) {
      run.startPipeline();
      run.awaitStreaming();
      run.startWorkload();
      run.awaitWorkload(200);

      RotatedSecret.HbaFile hba = RotatedSecret.requirePassword(admin, role);
      try {
        // a rotation: the database and the secret change; capture still holds the old one
        exec(admin, "ALTER ROLE " + role + " PASSWORD 'rotated'");
        secret.rotate("rotated");
        exec(
            admin,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                + role
                + "'");
        await()
            .atMost(Duration.ofSeconds(60))
            .alias("capture signs in with the rotated password and streams again")
            .until(
                () -> {
                  run.pipeline.assertHealthy();
                  return secret.reads() >= 2 && run.capture.stats().streaming();
                });
        run.awaitWorkload(300);
        run.endsExact();
      } finally {
        hba.restore();
      }
    }
  }

  @Test
  void aDroppedSlotHaltsCaptureSayingSo() throws Exception {
    try (Run run = new Run("slot dropped", 1_000)) {
      run.startPipeline();
      run.awaitStreaming();
      String slot = run.pipeline.config.source().slot();
      try (Connection admin = infra.source().connect(run.slice.sourceDatabase())) {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  exec(
                      admin,
                      "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                          + " WHERE slot_name = '"
                          + slot
                          + "' AND active");
                  try {
                    exec(admin, "SELECT pg_drop_replication_slot('" + slot + "')");
                    return true;
                  } catch (java.sql.SQLException stillActive) {
                    return false;
                  }
                });
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> run.capture.failure().isPresent());
      assertThat(run.capture.failure().get().getMessage())
          .contains("replication slot " + slot + " does not exist")
          .contains("To start over");
      assertThat(run.capture.notReady()).hasValueSatisfying(r -> assertThat(r).contains("halted"));
    }
  }

  @Test
  void aDroppedPublicationHaltsCaptureSayingSo() throws Exception {
    try (Run run = new Run("publication dropped", 1_000)) {
      run.startPipeline();
      run.awaitStreaming();
      run.startWorkload();
      String publication = run.pipeline.config.source().publication();
      try (Connection admin = infra.source().connect(run.slice.sourceDatabase())) {
        exec(admin, "DROP PUBLICATION " + publication);
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> run.capture.failure().isPresent());
      assertThat(run.capture.failure().get().getMessage())
          .contains("publication " + publication)
          .contains("does not exist");
    }
  }

  private static void crashAndRestart(Run run) throws Exception {
    EmbeddedPostgres source = infra.source();
    source.crash();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .alias("capture notices and starts again")
          .until(() -> run.capture.restarting().isPresent());
      run.pipeline.assertHealthy();
    } finally {
      source.restart();
    }
  }

  /** A pipeline over the trading schema on this class's servers, with its workload. */
  private static final class Run implements AutoCloseable {
    final TestIsolation slice;
    final PipelineFixture pipeline;
    CaptureSingleton capture;
    ChangeGenerator workload;

    Run(String name, int fillsRows) throws Exception {
      this(name, fillsRows, "copy");
    }

    Run(String name, int fillsRows, String initialLoad) throws Exception {
      this(
          name,
          fillsRows,
          Map.of("SLUICE_CAPTURE_INITIAL_LOAD", initialLoad),
          CredentialSources.NONE);
    }

    /** With settings overridden, and database credentials from {@code credentials}. */
    Run(String name, Map<String, String> env, CredentialSources credentials) throws Exception {
      this(name, 2_000, env, credentials);
    }

    private Run(String name, int fillsRows, Map<String, String> env, CredentialSources credentials)
        throws Exception {
      slice = TestIsolation.create(infra, name);
      pipeline = new PipelineFixture(slice, GROUPS, env, credentials);
      try (Connection source = slice.connectSource()) {
        TradingSchema.create(source, fillsRows);
      }
    }

    void startPipeline() throws Exception {
      capture = pipeline.startCaptureThroughFaults();
      pipeline.startApply();
    }

    void startWorkload() {
      workload = ChangeGenerator.start(slice.sourceJdbcUrl(), 300, 7);
    }

    void awaitStreaming() {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                pipeline.assertHealthy();
                // and the engine reads the slot (the copy load streams from a slot it created)
                if (!capture.stats().streaming()) {
                  return false;
                }
                try (Connection c = slice.connectSource()) {
                  return SlotQueries.active(c, pipeline.config.source().slot());
                }
              });
    }

    /** Waits until the workload has committed this many more transactions from now. */
    void awaitWorkload(long transactions) {
      long from = workload.committedTransactions();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                pipeline.assertHealthy();
                return workload.committedTransactions() >= from + transactions;
              });
    }

    /** Stops the workload, then waits until every table is equal on both sides, with no halt. */
    void endsExact() throws Exception {
      if (workload != null) {
        workload.close();
        assertThat(workload.failure()).isEmpty();
        assertThat(workload.committedTransactions()).isPositive();
      }
      try (Connection source = slice.connectSource();
          Connection target = slice.connectTarget()) {
        List<ComparedTable> tables = new ArrayList<>();
        for (String t : TradingSchema.allTables()) {
          tables.add(ComparedTable.fromCatalog(source, TradingSchema.SCHEMA, t));
        }
        TableComparator comparator = new TableComparator(source, target);
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () -> {
                  pipeline.assertHealthy();
                  assertThat(comparator.compare(tables))
                      .filteredOn(c -> !c.matches())
                      .extracting(TableComparison::toString)
                      .isEmpty();
                });
      }
      pipeline.assertHealthy();
    }

    @Override
    public void close() {
      if (workload != null) {
        workload.close();
      }
      pipeline.close();
    }
  }
}
