package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;
import static io.sluice.test.pipeline.PipelineFixture.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.core.MetricNames;
import io.sluice.core.config.GroupConfig;
import io.sluice.embedded.TestIsolation;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The apply policies on a real pipeline: bad data halts the group (or goes to the dead-letter
 * topic), truncates are applied, ignored or halt the group, and a group's partitions apply in
 * parallel.
 */
class ApplyPoliciesIT {
  private static final String ORDERS =
      "CREATE TABLE orders (id int PRIMARY KEY, qty int NOT NULL, note text)";

  /** The target refuses large quantities; the source does not know. */
  private static void refuseLargeQuantities(Connection target) throws Exception {
    exec(target, "ALTER TABLE orders ADD CONSTRAINT qty_small CHECK (qty < 1000)");
  }

  private static void writeOneBadRowAmongGoodOnes(Connection source) throws Exception {
    exec(
        source,
        "INSERT INTO orders SELECT g, g, 'fine' FROM generate_series(1, 5) g",
        "INSERT INTO orders VALUES (6, 5000, 'secret-row-value')",
        "INSERT INTO orders VALUES (7, 7, 'fine')");
  }

  @Test
  void badDataHaltsTheGroupNamingTableKeyAndReasonWithoutRowValuesAndLosesNothing()
      throws Exception {
    try (TestIsolation slice = TestIsolation.create("bad data halts");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: orders\n  tables: [orders]\n  partitions: 1");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(source, ORDERS);
      pipeline.prepare();
      refuseLargeQuantities(target);
      pipeline.startCapture();
      ApplyWorker worker = pipeline.startApply().get(0);

      writeOneBadRowAmongGoodOnes(source);

      await().atMost(Duration.ofSeconds(60)).until(() -> worker.failure().isPresent());
      String message = worker.failure().get().getMessage();
      assertThat(
              pipeline.meters.get(MetricNames.APPLY_HALTED).tag("group", "orders").gauge().value())
          .isEqualTo(1.0);
      assertThat(worker.notReady()).hasValueSatisfying(r -> assertThat(r).contains("halted"));
      assertThat(message)
          .contains("group orders halted")
          .contains("public.orders")
          .contains("public.orders key (id)=(6)")
          .contains("check_violation (SQLSTATE 23514)")
          .contains("constraint qty_small")
          .doesNotContain("5000")
          .doesNotContain("secret-row-value");
      assertThat(
              pipeline
                  .meters
                  .counter(MetricNames.APPLY_ERRORS, "group", "orders", "error_class", "bad_data")
                  .count())
          .isGreaterThanOrEqualTo(1);
      assertThat(count(target, "SELECT count(*) FROM orders WHERE id = 6")).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> !worker.isRunning());

      // The operator fixes the target; a restarted worker applies everything, the bad row too.
      exec(target, "ALTER TABLE orders DROP CONSTRAINT qty_small");
      pipeline.stopApply();
      pipeline.startApply();
      pipeline.awaitTargetMatches(source, target, "orders", "id, qty, note", "id");
    }
  }

  @Test
  void deadLetterPolicySetsTheBadChangeAsideAndAppliesTheRest() throws Exception {
    try (TestIsolation slice = TestIsolation.create("bad data dead-letter");
        PipelineFixture pipeline =
            new PipelineFixture(
                slice,
                "- name: orders\n  tables: [orders]\n  partitions: 2\n  on-bad-data: dead-letter");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(source, ORDERS);
      pipeline.prepare();
      refuseLargeQuantities(target);
      pipeline.startCapture();
      pipeline.startApply();

      writeOneBadRowAmongGoodOnes(source);
      exec(source, "UPDATE orders SET note = 'later' WHERE id = 7");

      pipeline.awaitTargetMatches(
          source, target, "orders", "orders WHERE id <> 6", "id, qty, note", "id");
      assertThat(
              pipeline
                  .meters
                  .counter(
                      MetricNames.APPLY_DEAD_LETTERS, "group", "orders", "table", "public.orders")
                  .count())
          .isEqualTo(1.0);
      // what the dead-letter alert reads: records held in the topic
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  pipeline
                          .meters
                          .get(MetricNames.APPLY_DEAD_LETTER_RECORDS)
                          .tag("group", "orders")
                          .gauge()
                          .value()
                      == 1.0);

      String dlq =
          GroupConfig.deadLetterTopic(pipeline.config.topicOf(pipeline.config.group("orders")));
      List<ConsumerRecord<byte[], byte[]>> letters = readAll(slice, dlq, 1);
      assertThat(letters).hasSize(1);
      ConsumerRecord<byte[], byte[]> letter = letters.get(0);
      assertThat(header(letter, "sluice.table")).isEqualTo("public.orders");
      assertThat(header(letter, "sluice.error.sqlstate")).isEqualTo("23514");
      assertThat(header(letter, "sluice.error.reason"))
          .contains("check_violation")
          .contains("qty_small")
          .doesNotContain("5000");
      // The letter holds the change itself, so it can be replayed once the target is fixed.
      assertThat(new String(letter.value(), StandardCharsets.UTF_8)).contains("5000");
    }
  }

  private static final String TRUNCATE_GROUPS =
      """
      - name: applied
        tables: [t_apply]
      - name: ignored
        tables: [t_ignore]
        truncate: ignore
      - name: halted
        tables: [t_halt]
        truncate: halt
      """;

  @Test
  void truncatesAreAppliedIgnoredOrHaltTheGroupAsEachGroupSays() throws Exception {
    try (TestIsolation slice = TestIsolation.create("truncate policies");
        PipelineFixture pipeline = new PipelineFixture(slice, TRUNCATE_GROUPS);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      for (String t : List.of("t_apply", "t_ignore", "t_halt")) {
        exec(
            source,
            "CREATE TABLE " + t + " (id int PRIMARY KEY, v text)",
            "INSERT INTO " + t + " SELECT g, 'old' FROM generate_series(1, 20) g");
      }
      pipeline.startCapture();
      List<ApplyWorker> workers = pipeline.startApply();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(target, "SELECT count(*) FROM t_halt") == 20);

      for (String t : List.of("t_apply", "t_ignore", "t_halt")) {
        exec(
            source,
            "BEGIN",
            "UPDATE " + t + " SET v = 'before truncate' WHERE id = 1",
            "TRUNCATE " + t,
            "INSERT INTO " + t + " VALUES (100, 'after truncate')",
            "COMMIT");
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(rows(target, "t_apply", "id, v", "id"))
                    .containsExactly("(100,\"after truncate\")");
                assertThat(count(target, "SELECT count(*) FROM t_ignore")).isEqualTo(21);
                assertThat(count(target, "SELECT count(*) FROM t_ignore WHERE id = 100"))
                    .isEqualTo(1);
                assertThat(workers.get(2).failure()).isPresent();
              });
      assertThat(workers.get(2).failure().get().getMessage())
          .contains("group halted halted: the source truncated public.t_halt")
          .contains("truncate: apply");
      // Nothing after the truncate was applied to the halted group's table.
      assertThat(count(target, "SELECT count(*) FROM t_halt")).isEqualTo(20);
      assertThat(workers.get(0).failure()).isEmpty();
      assertThat(workers.get(1).failure()).isEmpty();
    }
  }

  @Test
  void partitionsOfAGroupApplyInParallelSoOneBlockedRowDoesNotStopTheOthers() throws Exception {
    try (TestIsolation slice = TestIsolation.create("parallel partitions");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: orders\n  tables: [orders]\n  partitions: 4");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget();
        Connection blocker = slice.connectTarget()) {
      exec(source, ORDERS, "INSERT INTO orders SELECT g, 0, 'v0' FROM generate_series(1, 200) g");
      pipeline.startCapture();
      pipeline.startApply();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(target, "SELECT count(*) FROM orders") == 200);

      blocker.setAutoCommit(false);
      exec(blocker, "SELECT * FROM orders WHERE id = 1 FOR UPDATE");
      for (int round = 1; round <= 5; round++) {
        exec(source, "UPDATE orders SET qty = qty + 1, note = 'v' || (qty + 1)");
      }

      // The partition holding key 1 waits for the lock; the other three finish their keys.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(target, "SELECT count(*) FROM orders WHERE qty = 5") >= 100);
      assertThat(count(target, "SELECT count(*) FROM orders WHERE id = 1 AND qty = 5")).isZero();

      blocker.rollback();
      pipeline.awaitTargetMatches(source, target, "orders", "id, qty, note", "id");
    }
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      TestIsolation slice, String topic, int expected) {
    Properties p = new Properties();
    p.put(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, slice.infrastructure().kafka().bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
              });
      assertThat(consumer.poll(Duration.ofMillis(500)).isEmpty()).isTrue();
    }
    return out;
  }
}
