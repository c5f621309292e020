package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * sluice processes killed with SIGKILL in the middle of a busy stream: the capture leader (a
 * standby process takes over from the stored source offset, without a new snapshot) and an apply
 * process inside a batch (a standby apply process takes its partitions over once their leases
 * expire). Afterwards the target equals the source and no row ever moved to an older source
 * position.
 */
class ProcessKillFaultIT {
  private static final int ROWS = 200;

  @Test
  void killedCaptureAndApplyProcessesAreReplacedAndNothingIsLostOrReordered() throws Exception {
    try (TestIsolation slice = TestIsolation.create("process kill");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY, bid numeric, n int NOT NULL)");
        st.execute(
            "INSERT INTO quotes SELECT g, g / 7.0, 0 FROM generate_series(1, " + ROWS + ") g");
      }
      Path dir = Files.createDirectories(Path.of("target", "process-kill"));
      Path config =
          TestPipelines.write(
              dir.resolve("pipeline.yaml"),
              slice,
              "- {name: quotes, tables: [quotes], partitions: 2}");
      List<Sluice> all = new ArrayList<>();
      try {
        Sluice capture1 = start(all, dir, config, "capture-1", "--role", "capture");
        capture1.await("capture-1 leads capture");
        Sluice capture2 = start(all, dir, config, "capture-2", "--role", "capture");
        capture2.await("capture-2 stands by");
        Sluice apply1 = start(all, dir, config, "apply-1", "--role", "apply");
        await().atMost(Duration.ofSeconds(90)).until(() -> count(target) == ROWS);
        PositionWatch.install(target, "quotes");
        PipelineConfig cfg = new ConfigLoader(Map.of()).load(config);
        long loadedAt = loadPosition(cfg);

        Writer writer = new Writer(slice);
        writer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.done() >= 300);
        capture1.kill();
        capture2.await("capture-2 leads capture");
        Sluice apply2 = start(all, dir, config, "apply-2", "--role", "apply");
        apply2.await("worker apply-2 of group quotes started");
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.done() >= 900);
        // apply-1 dies inside a batch: the target table is locked under its open transaction
        try (Connection freezer = slice.connectTarget()) {
          freezer.setAutoCommit(false);
          try (Statement st = freezer.createStatement()) {
            st.execute("LOCK TABLE quotes IN ACCESS EXCLUSIVE MODE");
          }
          try (Statement st = source.createStatement()) {
            st.execute("UPDATE quotes SET n = n + 100 WHERE id <= 50");
          }
          await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnQuotes(target) >= 1);
          apply1.kill();
          freezer.commit();
        }
        // the standby takes the partitions over once apply-1's leases expire (3 s)
        apply2.await("worker apply-2 owns partition 0");
        apply2.await("worker apply-2 owns partition 1");
        writer.join();
        assertThat(writer.failure.get()).isNull();

        List<String> expected = rows(source);
        await()
            .atMost(Duration.ofSeconds(120))
            .until(() -> rows(target).equals(expected) || !apply2.alive() || !capture2.alive());
        assertThat(rows(target)).isEqualTo(expected);
        assertThat(PositionWatch.regressions(target))
            .as("rows moved to an older source position")
            .isZero();
        assertThat(loadPosition(cfg))
            .as("the standby resumed from the stored offset instead of loading anew")
            .isEqualTo(loadedAt);
        assertThat(snapshotRows(cfg)).as("the rows were copied, not sent through Kafka").isZero();
      } finally {
        all.forEach(Sluice::kill);
      }
    }
  }

  /** A sluice process with its own worker identity, its output in a file. */
  private record Sluice(Process process, Path log) {
    void await(String line) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> Files.exists(log) && Files.readString(log).contains(line));
    }

    boolean alive() {
      return process.isAlive();
    }

    void kill() {
      process.destroyForcibly(); // SIGKILL
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Sluice start(List<Sluice> all, Path dir, Path config, String id, String... args)
      throws Exception {
    List<String> run = new ArrayList<>(List.of("run", "--config", config.toString()));
    run.addAll(List.of(args));
    Path log = dir.resolve(id + ".log");
    Sluice s =
        new Sluice(
            SluiceProcesses.start(log, Map.of("SLUICE_WORKER_ID", id), run.toArray(String[]::new)),
            log);
    all.add(s);
    return s;
  }

  /** Single-row transactions: updates of existing rows and inserts of new ones. */
  private static final class Writer extends Thread {
    private final TestIsolation slice;
    private volatile int done;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Writer(TestIsolation slice) {
      this.slice = slice;
      setDaemon(true);
    }

    int done() {
      return done;
    }

    @Override
    public void run() {
      try (Connection c = slice.connectSource();
          PreparedStatement update =
              c.prepareStatement("UPDATE quotes SET n = n + 1, bid = bid + 1 WHERE id = ?");
          PreparedStatement insert = c.prepareStatement("INSERT INTO quotes VALUES (?, ?, 0)")) {
        for (int i = 0; i < 1_500; i++) {
          if (i % 3 == 0) {
            insert.setInt(1, 10_000 + i);
            insert.setBigDecimal(2, new java.math.BigDecimal(i).movePointLeft(2));
            insert.executeUpdate();
          } else {
            update.setInt(1, 1 + i % 20);
            update.executeUpdate();
          }
          done = i + 1;
        }
      } catch (SQLException | RuntimeException e) {
        failure.set(e);
      }
    }
  }

  private static int waitingOnQuotes(Connection target) throws SQLException {
    try (Statement st = target.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                    + " WHERE c.relname = 'quotes' AND NOT l.granted")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static long count(Connection c) {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM quotes")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1; // not created yet
    }
  }

  private static List<String> rows(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT ROW(id, bid, n)::text FROM quotes ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** The position of the pipeline's copy load: a new load has a new one. */
  private static long loadPosition(PipelineConfig cfg) {
    try (var dynamo = io.sluice.checkpoint.DynamoDbClients.create(cfg.dynamoDb())) {
      return new io.sluice.checkpoint.DynamoDbLoadProgressStore(
              dynamo,
              new io.sluice.checkpoint.StateTables(cfg.dynamoDb().tablePrefix()),
              java.time.Clock.systemUTC())
          .plan()
          .orElseThrow()
          .position();
    }
  }

  /** Snapshot rows in the group's topic: the initial snapshot's and any later one's. */
  private static long snapshotRows(PipelineConfig cfg) {
    Properties p = new Properties();
    p.put("bootstrap.servers", cfg.kafka().bootstrapServers());
    ChangeEventCodec codec = new ChangeEventCodec();
    String topic = cfg.topicOf(cfg.group("quotes"));
    long snapshot = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          ChangeEvent e = codec.decode(r.value());
          if (e.op() == Op.SNAPSHOT) {
            snapshot++;
          }
        }
      }
    }
    return snapshot;
  }
}
