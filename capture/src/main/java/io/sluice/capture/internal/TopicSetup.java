package io.sluice.capture.internal;

import io.sluice.checkpoint.LoadPlan;
import io.sluice.core.SluiceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates each group's topic with its partition count, or checks an existing one. A topic with a
 * different partition count is an error: changing it would move keys between partitions and break
 * per-key order.
 *
 * <p>Topics accept messages of up to {@code kafka.max-message-bytes} (64 MiB by default), so a row
 * with a large value (a bytea of about 30 MB travels as 60 MB of hex) is carried rather than
 * refused by the broker's 1 MB default; an existing topic that accepts less is raised to it.
 */
public final class TopicSetup {
  private static final String MAX_MESSAGE_BYTES_CONFIG = "max.message.bytes";
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  public static void ensure(
      Properties adminProps, Map<String, Integer> partitionsByTopic, int rf, int maxMessageBytes)
      throws InterruptedException {
    try (Admin admin = Admin.create(adminProps)) {
      List<String> problems = new ArrayList<>();
      for (Map.Entry<String, Integer> t : partitionsByTopic.entrySet()) {
        try {
          admin
              .createTopics(
                  List.of(
                      new NewTopic(t.getKey(), t.getValue(), (short) rf)
                          .configs(
                              Map.of(MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes)))))
              .all()
              .get();
          log.info("created topic {} with {} partitions", t.getKey(), t.getValue());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new SluiceException("cannot create topic " + t.getKey() + ": " + e.getCause(), e);
          }
          TopicDescription d = describe(admin, t.getKey());
          if (d.partitions().size() != t.getValue()) {
            problems.add(
                "topic "
                    + t.getKey()
                    + " has "
                    + d.partitions().size()
                    + " partitions but its"
                    + " group is configured with "
                    + t.getValue()
                    + "; regrouping is a planned operation (see docs/operations.md)");
          }
          ensureMessageSize(admin, t.getKey(), maxMessageBytes);
        }
      }
      if (!problems.isEmpty()) {
        throw new SluiceException(String.join("; ", problems));
      }
    }
  }

  /**
   * The end offset of every partition of the topics, keyed as {@link LoadPlan#partitionKey} names
   * them.
   */
  public static Map<String, Long> endOffsets(Properties adminProps, Map<String, Integer> topics)
      throws InterruptedException {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    topics.forEach(
        (topic, partitions) -> {
          for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
          }
        });
    try (Admin admin = Admin.create(adminProps)) {
      for (int attempt = 1; ; attempt++) {
        try {
          Map<String, Long> out = new HashMap<>();
          admin
              .listOffsets(specs)
              .all()
              .get()
              .forEach(
                  (tp, info) ->
                      out.put(LoadPlan.partitionKey(tp.topic(), tp.partition()), info.offset()));
          return out;
        } catch (ExecutionException e) {
          // topics created a moment ago: the broker may not know their partitions yet
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
              || attempt == METADATA_ATTEMPTS) {
            throw new SluiceException(
                "cannot read the end offsets of the group topics", e.getCause());
          }
          Thread.sleep(100L * attempt);
        }
      }
    }
  }

  private static final int METADATA_ATTEMPTS = 10;

  private static void ensureMessageSize(Admin admin, String topic, int maxMessageBytes)
      throws InterruptedException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      ConfigEntry entry =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get()
              .get(resource)
              .get(MAX_MESSAGE_BYTES_CONFIG);
      if (entry != null && Long.parseLong(entry.value()) >= maxMessageBytes) {
        return;
      }
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry(
                              MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes)),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get();
      log.info("raised {} of topic {} to {}", MAX_MESSAGE_BYTES_CONFIG, topic, maxMessageBytes);
    } catch (ExecutionException e) {
      throw new SluiceException(
          "cannot set " + MAX_MESSAGE_BYTES_CONFIG + " of topic " + topic + ": " + e.getCause(), e);
    }
  }

  private static TopicDescription describe(Admin admin, String topic) throws InterruptedException {
    try {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    } catch (ExecutionException e) {
      throw new SluiceException("cannot describe topic " + topic + ": " + e.getCause(), e);
    }
  }
}
