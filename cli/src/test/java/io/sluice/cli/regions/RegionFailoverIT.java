package io.sluice.cli.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.SluiceCommand;
import io.sluice.cli.SluiceProcesses;
import io.sluice.core.config.DynamoDbConfig;
import io.sluice.embedded.EmbeddedDynamoDb;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.TestIsolation;
import io.sluice.embedded.workload.PositionWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A pipeline run in two regions, each with its own DynamoDB (two DynamoDB Local instances joined by
 * a {@link ReplicationShim} lagging 3 s, for global tables), sharing the databases and the broker:
 * region a runs, region b stands by; `sluice ctl failover --to b` during a steady workload makes b
 * run from the state replicated to it (older than a's by up to the lag) and a stand by once the
 * flip reaches it. The target ends equal to the source and no row ever moves to an older position.
 */
class RegionFailoverIT {
  private static final Duration LAG = Duration.ofSeconds(3);

  @Test
  void failsOverToTheStandbyRegionDuringASteadyWorkload() throws Exception {
    EmbeddedInfrastructure infra = EmbeddedInfrastructure.shared();
    try (TestIsolation slice = TestIsolation.create("region failover");
        EmbeddedDynamoDb regionB = EmbeddedDynamoDb.start();
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget();
        // closed first: no sluice process holds the slot when the databases are dropped
        Children children = new Children()) {
      List<Process> processes = children.all;
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY, n int NOT NULL, px numeric)");
        st.execute("INSERT INTO quotes SELECT g, 0, g / 7.0 FROM generate_series(1, 200) g");
      }
      Path dir = Files.createDirectories(Path.of("target", "region-failover-it"));
      String groups = "- {name: quotes, tables: [quotes], partitions: 2}";
      String yamlA =
          slice.pipelineYaml(
              "capture:\n  heartbeat-interval: 1s\nregion:\n  name: a\n  primary: a\n", groups);
      String yamlB =
          yamlA
              .replace("name: a\n", "name: b\n")
              .replace(infra.dynamoDb().endpoint().toString(), regionB.endpoint().toString());
      assertThat(yamlB).contains(regionB.endpoint().toString()).contains("name: b");
      Path configA = Files.writeString(dir.resolve("region-a.yaml"), yamlA);
      Path configB = Files.writeString(dir.resolve("region-b.yaml"), yamlB);

      Process a = run(processes, dir, configA, "region-a");
      await("region a copies the table")
          .atMost(Duration.ofSeconds(120))
          .ignoreExceptions()
          .until(() -> count(target) == 200);
      Process b = run(processes, dir, configB, "region-b");
      await("region b stands by")
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(dir.resolve("region-b.log")).contains("stands by"));
      PositionWatch.install(target, "quotes");

      StateTables tables = new StateTables(slice.dynamoDbTablePrefix());
      try (DynamoDbClient dynamoA = client(infra.dynamoDb().endpoint().toString());
          DynamoDbClient dynamoB = client(regionB.endpoint().toString());
          ReplicationShim shim = new ReplicationShim(dynamoA, dynamoB, tables.all(), LAG).start()) {
        Writer app = new Writer(slice);
        app.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> app.done.get() >= 300);
        // the standby region holds a's state, as of up to the lag ago
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> dynamoB.scan(s -> s.tableName(tables.applyCheckpoints())).count() == 2);

        Instant failover = Instant.now();
        assertThat(
                SluiceCommand.commandLine()
                    .execute(
                        "ctl",
                        "failover",
                        "--to",
                        "b",
                        "--reason",
                        "region a impaired (test)",
                        "--by",
                        "it",
                        "-c",
                        configB.toString()))
            .isZero();
        java.io.StringWriter status = new java.io.StringWriter();
        picocli.CommandLine ctl = SluiceCommand.commandLine();
        ctl.setOut(new java.io.PrintWriter(status));
        assertThat(ctl.execute("ctl", "status", "-c", configB.toString())).isZero();
        assertThat(status.toString()).startsWith("active region: b");
        await("region b runs")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    Files.readString(dir.resolve("region-b.log"))
                        .contains("this region became active"));
        await("region a stands by once the flip reached it")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    Files.readString(dir.resolve("region-a.log"))
                        .contains("the active region moved away"));
        // a change made after the failover reaches the target through region b alone
        int marker = app.done.get() + 50;
        await().atMost(Duration.ofSeconds(60)).until(() -> app.done.get() >= marker);
        app.finish();
        assertThat(app.failure.get()).isNull();
        List<String> expected = rows(source);
        await("region b carries everything")
            .atMost(Duration.ofSeconds(120))
            .until(() -> rows(target).equals(expected) || !b.isAlive());
        Duration recovery = Duration.between(failover, Instant.now());
        assertThat(rows(target)).isEqualTo(expected);
        assertThat(PositionWatch.regressions(target))
            .as("rows moved to an older source position")
            .isZero();
        assertThat(a.isAlive()).isTrue();
        assertThat(shim.copied.get()).isPositive();
        Files.writeString(
            dir.resolve("recovery.txt"),
            "failover to equal target: " + recovery.toMillis() + " ms\n");
      }
    }
  }

  /** The sluice processes a test started, killed when it ends. */
  private static final class Children implements AutoCloseable {
    final List<Process> all = new ArrayList<>();

    @Override
    public void close() throws InterruptedException {
      all.forEach(Process::destroyForcibly);
      for (Process p : all) {
        p.waitFor();
      }
    }
  }

  private static DynamoDbClient client(String endpoint) {
    return DynamoDbClients.create(
        new DynamoDbConfig("us-east-1", Optional.of(java.net.URI.create(endpoint)), "", true));
  }

  private static Process run(List<Process> all, Path dir, Path config, String name)
      throws Exception {
    Process p =
        SluiceProcesses.start(
            dir.resolve(name + ".log"),
            Map.of("SLUICE_WORKER_ID", name),
            "run",
            "--config",
            config.toString());
    all.add(p);
    return p;
  }

  private static long count(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM quotes")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> rows(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, n, px FROM quotes ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getInt(1) + "|" + rs.getInt(2) + "|" + rs.getString(3));
      }
    }
    return out;
  }

  /** Single-row transactions without pause: updates of existing rows and inserts. */
  private static final class Writer extends Thread {
    private final TestIsolation slice;
    final AtomicInteger done = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean finished;

    Writer(TestIsolation slice) {
      this.slice = slice;
      setDaemon(true);
    }

    void finish() throws InterruptedException {
      finished = true;
      join();
    }

    @Override
    public void run() {
      try (Connection c = slice.connectSource();
          PreparedStatement update =
              c.prepareStatement("UPDATE quotes SET n = n + 1, px = px + 1 WHERE id = ?");
          PreparedStatement insert = c.prepareStatement("INSERT INTO quotes VALUES (?, 0, ?)")) {
        for (int i = 0; !finished; i++) {
          if (i % 4 == 0) {
            insert.setInt(1, 10_000 + i);
            insert.setBigDecimal(2, new java.math.BigDecimal(i).movePointLeft(2));
            insert.executeUpdate();
          } else {
            update.setInt(1, 1 + i % 200);
            update.executeUpdate();
          }
          done.incrementAndGet();
          Thread.sleep(5); // an application's pace, not a wait for anything
        }
      } catch (SQLException | RuntimeException e) {
        failure.set(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
