package io.sluice.cli.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.SluiceCommand;
import io.sluice.cli.SluiceProcesses;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.TestIsolation;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice cutover} end to end on the embedded servers, with {@code sluice run} as a process
 * of its own that follows the switches: an application's workload on tables with a serial and an
 * identity key; refusals (never verified, lag too high, writes still arriving, a target that
 * differs); then cutovers and rollbacks, each killed (SIGKILL) at a different step and run again.
 * After every switch both databases hold the same rows, the application's inserts go on at the new
 * primary without a key collision, and the new direction carries them to the old primary.
 */
class CutoverCommandIT {
  private static final String OPERATE = "cutover-operate-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void switchesBackAndForthThroughCrashesAndRefusesWhenUnsafe() throws Exception {
    EmbeddedInfrastructure infra = EmbeddedInfrastructure.shared();
    try (TestIsolation slice = TestIsolation.create("cutover")) {
      String newPrimaryDb = slice.id() + "_new";
      // the new primary must be a logical-decoding server too: the reverse pipeline reads it
      infra.source().createDatabase(newPrimaryDb);
      List<Process> processes = new ArrayList<>();
      try (Connection source = slice.connectSource();
          Connection target = infra.source().connect(newPrimaryDb)) {
        createSchema(source);
        Path dir = Files.createDirectories(Path.of("target", "cutover-it"));
        Path config = writeConfig(dir, slice, newPrimaryDb);
        assertThat(Files.readString(config)).contains(newPrimaryDb);
        int adminPort = freePort();
        Process run = run(processes, dir, config, adminPort);
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions() // until sluice created the tables
            .until(() -> count(target, "orders") == 400 && count(target, "fills") == 400);

        // sequences are carried while the pipeline runs, before any cutover
        long sourceOrders = lastValue(source, "orders_id_seq");
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions() // until the sequence exists on the target
            .until(() -> lastValue(target, "orders_id_seq") >= sourceOrders + 1000);

        Writer app =
            new Writer(slice.sourceJdbcUrl(), infra.source().user(), infra.source().password());
        app.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> app.done.get() >= 100);

        // refusals, each leaving everything as it was
        Result never = cutover(dir, config, "never-verified", null);
        assertThat(never.exit()).isEqualTo(1);
        assertThat(never.output()).contains("[1/6] preconditions").contains("never verified");

        assertThat(sluice("verify", "--config", config.toString())).isZero();
        Result dry = cutover(dir, config, "dry-run", null, "--dry-run");
        assertThat(dry.exit()).as(dry.output()).isZero();
        assertThat(dry.output())
            .contains("dry run of cutover")
            .contains("plan (nothing was changed)")
            .contains("3 drain")
            .doesNotContain("[2/6]");
        assertThat(mayInsert(source)).isTrue();

        try (Connection locker = infra.source().connect(newPrimaryDb)) {
          locker.setAutoCommit(false);
          try (Statement st = locker.createStatement()) {
            st.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
          }
          int before = app.done.get();
          // apply of orders waits behind the lock while the application writes on
          await().atMost(Duration.ofSeconds(60)).until(() -> app.done.get() >= before + 650);
          Result lagging = cutover(dir, config, "lagging", null);
          locker.rollback();
          assertThat(lagging.exit()).isEqualTo(1);
          assertThat(lagging.output()).contains("over cutover.max-lag");
        }

        long written = count(source, "orders");
        await().atMost(Duration.ofSeconds(60)).until(() -> count(target, "orders") >= written);
        Result busy = cutover(dir, config, "busy", null);
        assertThat(busy.exit()).isEqualTo(1);
        assertThat(busy.output())
            .contains("[2/6] freeze")
            .contains("writes still arriving")
            .contains("write privileges given back to [trader]");
        assertThat(mayInsert(source)).as("trader's writes given back after the refusal").isTrue();

        app.pause();
        try (Statement st = target.createStatement()) {
          st.execute("UPDATE orders SET note = 'tampered' WHERE id = 7");
        }
        Result dirty = cutover(dir, config, "dirty", null);
        assertThat(dirty.exit()).isEqualTo(1);
        assertThat(dirty.output())
            .contains("[3/6] drain and verify")
            .contains("differs from the old one");
        assertThat(sluice("verify", "--repair", "--config", config.toString())).isZero();
        assertThat(sluice("verify", "--config", config.toString())).isZero();
        assertThat(rows(source)).isEqualTo(rows(target));

        // cutovers and rollbacks, each killed once at a different step, then finished
        String[] killAt = {
          "[1/6] preconditions",
          "[2/6] freeze",
          "[3/6] drain and verify",
          "[4/6] sequences",
          "switch recorded in DynamoDB",
          "stopped for",
          "starts for"
        };
        boolean reversed = false;
        for (int i = 0; i < killAt.length; i++) {
          boolean rollback = reversed;
          Connection primary = reversed ? target : source;
          Connection other = reversed ? source : target;
          String[] way = rollback ? new String[] {"--rollback"} : new String[0];
          Result killed = cutover(dir, config, "switch-" + i + "-killed", killAt[i], way);
          assertThat(killed.output()).as("kill point of switch %d", i).contains(killAt[i]);
          Result finished = cutover(dir, config, "switch-" + i, null, way);
          assertThat(finished.exit()).as(finished.output()).isZero();
          reversed = !reversed;
          assertThat(rows(other)).as("after switch %d", i).isEqualTo(rows(primary));
          Connection newPrimary = reversed ? target : source;
          Connection newTarget = reversed ? source : target;
          assertThat(identityKind(newPrimary)).isEqualTo("a");
          // trader's writes are taken on the old primary and given back when it is primary again
          assertThat(mayInsert(source)).isEqualTo(!reversed);
          assertThat(identityKind(newTarget)).isEqualTo("d");
          assertThat(run.isAlive()).isTrue();
          // the application moves: its inserts take keys from the carried sequences
          app.moveTo(reversed ? infra.source().jdbcUrl(newPrimaryDb) : slice.sourceJdbcUrl());
          long audited = count(source, "order_audit");
          int before = app.done.get();
          app.proceed();
          await().atMost(Duration.ofSeconds(30)).until(() -> app.done.get() >= before + 100);
          app.pause();
          assertThat(app.failure.get()).as("the application's writes").isNull();
          List<String> expected = rows(newPrimary);
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(() -> assertThat(rows(newTarget)).isEqualTo(expected));
          if (reversed) {
            assertThat(count(source, "order_audit"))
                .as("the old primary's trigger fired for the reverse pipeline's writes")
                .isEqualTo(audited);
          }
          // the next switch needs a clean verification of the direction that runs now
          assertThat(sluice("verify", "--config", config.toString())).isZero();
        }

        assertThat(reversed).as("an odd number of switches ends cut over").isTrue();
        HttpClient http = HttpClient.newHttpClient();
        // operators see and pause a group in the direction it runs now
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> api(http, adminPort, "GET", "/groups/orders").path("actual").asText(),
                "RUNNING"::equals);
        assertThat(api(http, adminPort, "POST", "/groups/orders/pause").path("changed").asBoolean())
            .isTrue();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> api(http, adminPort, "GET", "/groups/orders").path("actual").asText(),
                "PAUSED"::equals);
        app.moveTo(infra.source().jdbcUrl(newPrimaryDb));
        app.proceed();
        int paused = app.done.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> app.done.get() >= paused + 50);
        app.pause();
        assertThat(count(source, "orders"))
            .as("a paused reversed group applies nothing")
            .isLessThan(count(target, "orders"));
        api(http, adminPort, "POST", "/groups/orders/resume");
        List<String> expected = rows(target);
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(rows(source)).isEqualTo(expected));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> api(http, adminPort, "GET", "/groups/orders").path("actual").asText(),
                "RUNNING"::equals);

        // and the rollback once through the admin API, as an operator's tool would, on the
        // operator's word that the writers stopped
        HttpResponse<String> started =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/cutover"))
                    .header("Authorization", "Bearer " + OPERATE)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"by\": \"it-admin\", \"rollback\": true, \"assumeFrozen\": true}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(180))
            .until(() -> !status(http, adminPort).path("running").asBoolean(true));
        JsonNode done = status(http, adminPort);
        assertThat(done.path("outcome").asText()).as(done.toString()).isEqualTo("SWITCHED");
        assertThat(done.path("reversed").size()).isZero();
        assertThat(done.path("lastSwitch").path("rollback").asBoolean()).isTrue();
        assertThat(done.path("lastSwitch").path("by").asText()).isEqualTo("it-admin");
        assertThat(done.path("lines").toString()).contains("writers taken as stopped");
        assertThat(rows(source)).isEqualTo(rows(target));

        app.finish();
      } finally {
        processes.forEach(Process::destroyForcibly);
        for (Process p : processes) {
          p.waitFor();
        }
        infra.source().dropDatabase(newPrimaryDb);
      }
    }
  }

  /**
   * One group switched alone: the other keeps running forward beside the reverse one, each
   * direction carries only its own group, and the rollback of the one group joins it to the forward
   * capture again without copying it.
   */
  @Test
  void switchesOneGroupWhileTheOtherRunsForward() throws Exception {
    EmbeddedInfrastructure infra = EmbeddedInfrastructure.shared();
    try (TestIsolation slice = TestIsolation.create("cutover one group")) {
      String newPrimaryDb = slice.id() + "_new";
      infra.source().createDatabase(newPrimaryDb);
      List<Process> processes = new ArrayList<>();
      try (Connection source = slice.connectSource();
          Connection target = infra.source().connect(newPrimaryDb)) {
        createSchema(source);
        Path dir = Files.createDirectories(Path.of("target", "cutover-one-group-it"));
        Path config = writeConfig(dir, slice, newPrimaryDb);
        run(processes, dir, config, freePort());
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(() -> count(target, "orders") == 400 && count(target, "fills") == 400);
        assertThat(sluice("verify", "--config", config.toString())).isZero();

        Result cut = cutover(dir, config, "cutover-orders", null, "--group", "orders");
        assertThat(cut.exit()).as(cut.output()).isZero();
        assertThat(cut.output()).contains("groups [orders]");
        assertThat(rows(source)).isEqualTo(rows(target));

        // orders is written on its new primary, fills still on the source: each goes its way
        try (Statement onTarget = target.createStatement();
            Statement onSource = source.createStatement()) {
          onTarget.execute(
              "INSERT INTO orders (account, qty, note) SELECT 1, g, 'new' FROM"
                  + " generate_series(1, 50) g");
          onTarget.execute("UPDATE orders SET note = 'moved' WHERE id <= 20");
          onSource.execute(
              "INSERT INTO fills (order_id, px) SELECT g, 2 FROM generate_series(1, 50) g");
          onSource.execute("DELETE FROM fills WHERE id <= 10");
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(rows(source)).isEqualTo(rows(target)));
        assertThat(count(source, "orders")).isEqualTo(450);
        assertThat(count(target, "fills")).isEqualTo(440);

        assertThat(sluice("verify", "--config", config.toString())).isZero();
        Result back =
            cutover(dir, config, "rollback-orders", null, "--rollback", "--group", "orders");
        assertThat(back.exit()).as(back.output()).isZero();
        try (Statement onSource = source.createStatement()) {
          onSource.execute(
              "INSERT INTO orders (account, qty, note) SELECT 2, g, 'back' FROM"
                  + " generate_series(1, 30) g");
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(rows(target)).isEqualTo(rows(source)));
        assertThat(count(target, "orders")).isEqualTo(480);
        assertThat(Files.readString(dir.resolve("run.log")))
            .as("the forward capture took orders back without copying it")
            .doesNotContain("joined pipeline " + slice.id() + ":");
      } finally {
        processes.forEach(Process::destroyForcibly);
        for (Process p : processes) {
          p.waitFor();
        }
        infra.source().dropDatabase(newPrimaryDb);
      }
    }
  }

  /** Two tables an application writes, keyed by a serial and by an identity column. */
  private static void createSchema(Connection source) throws SQLException {
    try (Statement st = source.createStatement()) {
      st.execute(
          "CREATE TABLE orders (id bigserial PRIMARY KEY, account int NOT NULL,"
              + " qty numeric(38,18) NOT NULL, note text)");
      st.execute(
          "CREATE TABLE fills (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
              + " order_id bigint NOT NULL, px numeric NOT NULL)");
      st.execute(
          "INSERT INTO orders (account, qty, note) SELECT g % 17, g / 3.0, 'o' || g"
              + " FROM generate_series(1, 400) g");
      st.execute(
          "INSERT INTO fills (order_id, px) SELECT g, g * 1.25 FROM generate_series(1, 400) g");
      // a role of the application: the freeze takes its writes on the old primary
      st.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'trader') THEN"
              + " CREATE ROLE trader; END IF; END $$");
      st.execute("GRANT SELECT, INSERT, UPDATE ON orders, fills TO trader");
      // the application's trigger on the source: it must not fire again for the reverse stream
      st.execute("CREATE TABLE order_audit (id bigserial PRIMARY KEY, order_id bigint)");
      st.execute(
          "CREATE FUNCTION audit_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " INSERT INTO order_audit (order_id) VALUES (NEW.id); RETURN NEW; END $$");
      st.execute(
          "CREATE TRIGGER audit_order AFTER INSERT ON orders FOR EACH ROW"
              + " EXECUTE FUNCTION audit_order()");
    }
  }

  /** The pipeline, its target a database on the logical-decoding server. */
  private static Path writeConfig(Path dir, TestIsolation slice, String newPrimaryDb)
      throws IOException {
    EmbeddedInfrastructure infra = slice.infrastructure();
    Path config = dir.resolve("pipeline.yaml");
    Files.writeString(
        config,
        slice
            .pipelineYaml(
                """
                capture:
                  heartbeat-interval: 1s
                cutover:
                  quiet: 2s
                  max-lag: 5s
                  timeout: 90s
                  revoke-writes-from: [trader]
                sequences:
                  interval: 2s
                  margin: 1000
                verify:
                  chunk-rows: 100
                """,
                """
                - {name: orders, tables: [orders], partitions: 2}
                - {name: fills, tables: [fills], partitions: 2}
                """)
            .replace(
                "port: " + infra.target().port() + "\n  database: " + slice.targetDatabase(),
                "port: " + infra.source().port() + "\n  database: " + newPrimaryDb));
    return config;
  }

  private static JsonNode api(HttpClient http, int port, String method, String path)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + OPERATE)
                .method(
                    method,
                    method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString(
                            "{\"reason\": \"rollback window test\", \"by\": \"it\"}")
                        : HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static JsonNode status(HttpClient http, int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cutover"))
                .header("Authorization", "Bearer " + OPERATE)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static long lastValue(Connection c, String sequence) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_value FROM " + sequence)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean mayInsert(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT has_table_privilege('trader', 'orders', 'INSERT')")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** The kind of the identity column of fills: a (ALWAYS) or d (BY DEFAULT). */
  private static String identityKind(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT attidentity FROM pg_attribute WHERE attrelid = 'fills'::regclass"
                    + " AND attname = 'id'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every row of both tables, in key order, without sluice's position column. */
  private static List<String> rows(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      for (String q :
          List.of(
              "SELECT 'o', id, account, qty, note FROM orders ORDER BY id",
              "SELECT 'f', id, order_id, px, null FROM fills ORDER BY id")) {
        try (ResultSet rs = st.executeQuery(q)) {
          while (rs.next()) {
            out.add(
                rs.getString(1)
                    + rs.getLong(2)
                    + "|"
                    + rs.getString(3)
                    + "|"
                    + rs.getBigDecimal(4).toPlainString()
                    + "|"
                    + rs.getString(5));
          }
        }
      }
    }
    return out;
  }

  private record Result(int exit, String output) {}

  private static Result cutover(Path dir, Path config, String name, String killAt, String... args)
      throws Exception {
    List<String> cmd =
        SluiceProcesses.command("cutover", "--config", config.toString(), "--by", "it");
    cmd.addAll(List.of(args));
    Path log = dir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (killAt != null) {
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> Files.readString(log).contains(killAt) || !p.isAlive());
      p.destroyForcibly(); // SIGKILL
    }
    int exit = p.waitFor();
    return new Result(exit, Files.readString(log));
  }

  private static Process run(List<Process> all, Path dir, Path config, int adminPort)
      throws IOException {
    Process p =
        SluiceProcesses.start(
            dir.resolve("run.log"),
            Map.of(
                "SLUICE_ADMIN_PORT",
                Integer.toString(adminPort),
                "SLUICE_ADMIN_OPERATE_TOKEN",
                OPERATE),
            "run",
            "--config",
            config.toString());
    all.add(p);
    return p;
  }

  private static int sluice(String... args) {
    return SluiceCommand.commandLine().execute(args);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The application: inserts that take their keys from the tables' sequences, updates and deletes,
   * against whichever database is its primary now; paused while a switch runs.
   */
  private static final class Writer extends Thread {
    final AtomicInteger done = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final String user;
    private final String password;
    private volatile String url;
    private volatile boolean paused;
    private volatile boolean finished;
    private volatile boolean idle;

    Writer(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
      setDaemon(true);
    }

    void pause() {
      paused = true;
      await().atMost(Duration.ofSeconds(30)).until(() -> idle);
    }

    void proceed() {
      paused = false;
    }

    void moveTo(String primary) {
      url = primary;
    }

    void finish() throws InterruptedException {
      finished = true;
      join();
    }

    @Override
    public void run() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      while (!finished && failure.get() == null) {
        if (paused) {
          idle = true;
          try {
            Thread.sleep(20); // the application idles while its writes are stopped
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        idle = false;
        try (Connection c = java.sql.DriverManager.getConnection(url, user, password)) {
          c.setAutoCommit(false);
          try (PreparedStatement order =
                  c.prepareStatement(
                      "INSERT INTO orders (account, qty, note) VALUES (?, ?, 'n') RETURNING id");
              PreparedStatement fill =
                  c.prepareStatement("INSERT INTO fills (order_id, px) VALUES (?, ?)");
              PreparedStatement update =
                  c.prepareStatement("UPDATE orders SET qty = qty + 1 WHERE id = ?");
              PreparedStatement delete = c.prepareStatement("DELETE FROM fills WHERE id = ?")) {
            while (!paused && !finished) {
              order.setInt(1, random.nextInt(17));
              order.setBigDecimal(
                  2, new java.math.BigDecimal(random.nextInt(1_000_000)).movePointLeft(4));
              long id;
              try (ResultSet rs = order.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
              }
              fill.setLong(1, id);
              fill.setBigDecimal(
                  2, new java.math.BigDecimal(random.nextInt(10_000)).movePointLeft(2));
              fill.executeUpdate();
              update.setLong(1, 1 + random.nextInt(400));
              update.executeUpdate();
              delete.setLong(1, 1 + random.nextInt(400));
              delete.executeUpdate();
              c.commit();
              done.incrementAndGet();
              Thread.sleep(10); // an application's pace, not a wait for anything
            }
          }
        } catch (InterruptedException e) {
          return;
        } catch (SQLException | RuntimeException e) {
          failure.set(e);
        }
      }
      idle = true;
    }
  }
}
