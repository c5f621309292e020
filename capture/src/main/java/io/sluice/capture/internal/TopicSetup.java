package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates each group's topic with its partition count, or checks an existing one. A topic with a
 * different partition count is an error: changing it would move keys between partitions and break
 * per-key order.
 */
public final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

  private TopicSetup() {}

  public static void ensure(Properties adminProps, Map<String, Integer> partitionsByTopic, int rf)
      throws InterruptedException {
    try (Admin admin = Admin.create(adminProps)) {
      List<String> problems = new ArrayList<>();
      for (Map.Entry<String, Integer> t : partitionsByTopic.entrySet()) {
        try {
          admin
              .createTopics(List.of(new NewTopic(t.getKey(), t.getValue(), (short) rf)))
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
        }
      }
      if (!problems.isEmpty()) {
        throw new SluiceException(String.join("; ", problems));
      }
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
