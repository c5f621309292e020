package io.sluice.test.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.checkpoint.WorkerStatus;
import io.sluice.embedded.TestIsolation;
import java.sql.Connection;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Apply started before capture, or while capture cannot start: its partitions wait for the group's
 * topic without creating it (capture creates it with the group's partition count) and without a
 * consumer asking for an unknown topic every second; once capture runs, apply starts.
 */
class StartOrderIT {
  @Test
  void applyWaitsForTheTopicCaptureCreatesAndThenApplies() throws Exception {
    try (TestIsolation slice = TestIsolation.create("apply before capture");
        PipelineFixture pipeline =
            new PipelineFixture(slice, "- name: orders\n  tables: [orders]\n  partitions: 3\n");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      OrdersTable.create(source);
      pipeline.prepare();
      ApplyWorker worker = pipeline.startApply().get(0);
      String topic = pipeline.config.topicOf(pipeline.config.group("orders"));

      await()
          .pollDelay(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> worker.status().state() == WorkerStatus.ActualState.STANDBY);
      pipeline.assertHealthy();
      Properties p = new Properties();
      p.put("bootstrap.servers", pipeline.config.kafka().bootstrapServers());
      try (Admin admin = Admin.create(p)) {
        Set<String> topics = admin.listTopics().names().get();
        assertThat(topics).as("apply created no topic").doesNotContain(topic);
      }

      pipeline.startCapture();
      OrdersTable.awaitEqual(pipeline, source, target);
      try (Admin admin = Admin.create(p)) {
        assertThat(
                admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions())
            .hasSize(3);
      }
    }
  }
}
