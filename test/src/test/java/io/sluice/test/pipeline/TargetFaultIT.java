package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.core.MetricNames;
import io.sluice.core.config.CredentialSources;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.workload.PositionWatch;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What happens to the target in production, each during a steady source workload: a crash and
 * restart, a failover that leaves apply on a read-only node, sessions killed by an idle-session
 * reaper while no connection is to be had, lock and statement timeouts. Apply rides through each by
 * itself: no halt, nothing lost, no row moving backwards, and the target ends equal to the source.
 */
class TargetFaultIT {
  private static final String APPLY_ROLE = "sluice_apply";
  private static final String INITIAL_PASSWORD = "initial";
  private static EmbeddedInfrastructure infra;

  @BeforeAll
  static void ownServers() {
    infra = EmbeddedInfrastructure.shared().withOwnPostgres("target faults");
  }

  @AfterAll
  static void stopServers() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void anImmediateStopOfTheTargetIsWaitedOutAndApplyGoesOnWhenItIsBack() throws Exception {
    underLoad(
        "target crash",
        (pipeline, worker) -> {
          EmbeddedPostgres target = infra.target();
          target.crash();
          try {
            awaitRetrying(pipeline, worker);
          } finally {
            target.restart();
          }
        });
  }

  @Test
  void aTargetTurnedReadOnlyByAFailoverIsRetriedUntilItIsWritableAgain() throws Exception {
    underLoad(
        "target read only",
        (pipeline, worker) -> {
          try (Connection admin = infra.target().connect("postgres")) {
            exec(
                admin,
                "ALTER SYSTEM SET default_transaction_read_only = on",
                "SELECT pg_reload_conf()");
            awaitRetrying(pipeline, worker);
            assertThat(worker.notReady()).hasValueSatisfying(r -> assertThat(r).contains("25006"));
            exec(
                admin,
                "ALTER SYSTEM RESET default_transaction_read_only",
                "SELECT pg_reload_conf()");
          }
        });
  }

  @Test
  void terminatedSessionsThatCannotReconnectForWantOfConnectionsAreRiddenOut() throws Exception {
    underLoad(
        "target sessions killed",
        Map.of("SLUICE_TARGET_USER", APPLY_ROLE),
        (pipeline, worker) -> {
          try (Connection admin = infra.target().connect("postgres");
              Connection source = pipeline.slice.connectSource()) {
            // no connection left for apply (too_many_connections, 53300) ...
            exec(admin, "ALTER ROLE " + APPLY_ROLE + " CONNECTION LIMIT 0");
            try {
              // ... when an idle-session reaper or a proxy ends every session it has
              String terminate =
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                      + APPLY_ROLE
                      + "'";
              exec(admin, terminate);
              awaitRetrying(
                  pipeline,
                  worker,
                  () -> {
                    exec(admin, terminate); // a session opened just before the limit
                    // changes keep coming, so apply keeps trying the target even when the
                    // writer has finished
                    exec(
                        source,
                        "UPDATE orders SET qty = qty + 1 WHERE id = (SELECT min(id) FROM orders)");
                  });
            } finally {
              exec(admin, "ALTER ROLE " + APPLY_ROLE + " CONNECTION LIMIT -1");
            }
          }
        });
  }

  @Test
  void aPasswordRotatedWhileApplyRunsIsReadAnewWhenTheTargetRefusesTheOldOne() throws Exception {
    RotatedSecret secret = new RotatedSecret(INITIAL_PASSWORD);
    underLoad(
        "target password rotated",
        Map.of("SLUICE_TARGET_USER", APPLY_ROLE, "SLUICE_TARGET_PASSWORD_SECRET", "sluice/target"),
        secret.asSecretsManager(),
        (pipeline, worker) -> {
          try (Connection admin = infra.target().connect("postgres")) {
            RotatedSecret.HbaFile hba = RotatedSecret.requirePassword(admin, APPLY_ROLE);
            try {
              // a rotation: the database and the secret change; apply still holds the old one
              exec(admin, "ALTER ROLE " + APPLY_ROLE + " PASSWORD 'rotated'");
              secret.rotate("rotated");
              exec(
                  admin,
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                      + APPLY_ROLE
                      + "'");
              long applied = worker.stats().events();
              await()
                  .atMost(Duration.ofSeconds(60))
                  .alias("apply signs in with the rotated password and goes on")
                  .until(
                      () -> {
                        pipeline.assertHealthy();
                        return secret.reads() >= 2 && worker.stats().events() > applied + 300;
                      });
            } finally {
              hba.restore();
            }
          }
        });
  }

  @Test
  void lockAndStatementTimeoutsAreRetriedUntilTheLockIsGone() throws Exception {
    underLoad(
        "target timeouts",
        (pipeline, worker) -> {
          for (String timeout : new String[] {"lock_timeout", "statement_timeout"}) {
            try (Connection admin = infra.target().connect("postgres");
                Connection locker = pipeline.slice.connectTarget()) {
              exec(admin, "ALTER SYSTEM SET " + timeout + " = '200ms'", "SELECT pg_reload_conf()");
              locker.setAutoCommit(false);
              exec(locker, "SET lock_timeout = 0", "SET statement_timeout = 0");
              exec(locker, "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
              try {
                awaitRetrying(pipeline, worker);
              } finally {
                locker.rollback();
                exec(admin, "ALTER SYSTEM RESET " + timeout, "SELECT pg_reload_conf()");
              }
            }
          }
        });
  }

  /** What a test does to the target while the source is busy and the pipeline applies. */
  private interface Fault {
    void inject(PipelineFixture pipeline, ApplyWorker worker) throws Exception;
  }

  private static void underLoad(String name, Fault fault) throws Exception {
    underLoad(name, Map.of(), CredentialSources.NONE, fault);
  }

  private static void underLoad(String name, Map<String, String> env, Fault fault)
      throws Exception {
    underLoad(name, env, CredentialSources.NONE, fault);
  }

  /**
   * With settings overridden: a target user other than the superuser is made apply's role, with the
   * password {@link #INITIAL_PASSWORD} (which only counts where pg_hba.conf asks for it).
   */
  private static void underLoad(
      String name, Map<String, String> env, CredentialSources credentials, Fault fault)
      throws Exception {
    try (TestIsolation slice = TestIsolation.create(infra, name);
        PipelineFixture pipeline =
            new PipelineFixture(
                slice, "- name: orders\n  tables: [orders]\n  partitions: 2\n", env, credentials);
        Connection source = slice.connectSource();
        SourceWriter writer = new SourceWriter(slice)) {
      OrdersTable.create(source);
      pipeline.prepare();
      try (Connection target = slice.connectTarget()) {
        PositionWatch.install(target, "orders");
        if (env.containsKey("SLUICE_TARGET_USER")) {
          exec(
              target,
              "DO $$ BEGIN CREATE ROLE "
                  + APPLY_ROLE
                  + " LOGIN;"
                  + " EXCEPTION WHEN duplicate_object THEN NULL; END $$",
              "ALTER ROLE " + APPLY_ROLE + " PASSWORD '" + INITIAL_PASSWORD + "'",
              "GRANT USAGE ON SCHEMA _sluice TO " + APPLY_ROLE,
              "GRANT ALL ON ALL TABLES IN SCHEMA public, _sluice TO " + APPLY_ROLE);
        }
      }
      pipeline.startCaptureThroughFaults();
      ApplyWorker worker = pipeline.startApply().get(0);
      writer.start(1_500, 100_000, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> worker.stats().events() >= 300);

      fault.inject(pipeline, worker);

      writer.awaitDone();
      try (Connection target = slice.connectTarget()) {
        OrdersTable.awaitEqual(pipeline, source, target);
        assertThat(PositionWatch.regressions(target)).isZero();
      }
      pipeline.assertHealthy();
      await().atMost(Duration.ofSeconds(30)).until(() -> worker.notReady().isEmpty());
    }
  }

  /**
   * Waits until apply has met the fault and kept retrying for a while (retriable errors counted
   * again and again, the worker not ready) without halting.
   */
  private static void awaitRetrying(PipelineFixture pipeline, ApplyWorker worker) {
    awaitRetrying(pipeline, worker, () -> {});
  }

  /** As {@link #awaitRetrying(PipelineFixture, ApplyWorker)}, keeping the fault up meanwhile. */
  private static void awaitRetrying(
      PipelineFixture pipeline, ApplyWorker worker, ThrowingRunnable keepUp) {
    double before = retriableErrors(pipeline);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .alias("apply retries again and again against the failing target")
        .until(
            () -> {
              pipeline.assertHealthy();
              keepUp.run();
              return retriableErrors(pipeline) >= before + RETRIES && worker.notReady().isPresent();
            });
  }

  /** Retries, over both partitions, a fault lasts in these tests: a few seconds of backoff. */
  private static final int RETRIES = 8;

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static double retriableErrors(PipelineFixture pipeline) {
    var counter =
        pipeline
            .meters
            .find(MetricNames.APPLY_ERRORS)
            .tags("group", "orders", "error_class", "retriable")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
