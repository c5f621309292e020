package io.sluice.apply.internal;

import io.sluice.apply.GroupBacklog;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker reads about its group's topic from Kafka: whether it exists yet, the backlog of
 * each owned partition (end offset past the checkpoint), the topic's retention, and the records
 * held in the dead-letter topic. Each read waits at most 10 s; a failed read keeps the last value.
 * Owns its Kafka admin client. Thread-safe.
 */
public final class TopicOffsets implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicOffsets.class);
  private static final long TIMEOUT_SECONDS = 10;

  private final Admin admin;
  private final PipelineConfig config;
  private final GroupConfig group;
  private final String topic;
  private final Optional<String> deadLetterTopic;
  private final Clock clock;
  private final Duration deadLetterEvery;
  private final AtomicBoolean topicSeen = new AtomicBoolean();
  private final AtomicBoolean topicMissingLogged = new AtomicBoolean();
  private volatile GroupBacklog backlog;
  private volatile double retentionSeconds;
  private volatile double deadLetterRecords;
  private volatile String problem;
  private volatile Instant nextDeadLetterRead = Instant.MIN;

  /**
   * Reads the topic's retention at once.
   *
   * @param deadLetterEvery how often the dead-letter topic is counted, at most
   */
  public TopicOffsets(
      Admin admin,
      PipelineConfig config,
      GroupConfig group,
      Optional<String> deadLetterTopic,
      Clock clock,
      Duration deadLetterEvery) {
    this.admin = admin;
    this.config = config;
    this.group = group;
    this.topic = config.topicOf(group);
    this.backlog = GroupBacklog.of(group.name(), List.of(), Map.of(), Map.of());
    this.deadLetterTopic = deadLetterTopic;
    this.clock = clock;
    this.deadLetterEvery = deadLetterEvery;
    this.retentionSeconds = readRetentionSeconds();
  }

  /**
   * Whether the group's topic exists. Capture creates it with the group's partition count as it
   * starts; until then (capture not started yet, or halted before it could) partitions wait, with
   * one log line, instead of a consumer asking Kafka for an unknown topic every second.
   */
  public boolean topicExists() {
    if (topicSeen.get()) {
      return true;
    }
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!topicSeen.getAndSet(true) && Double.isNaN(retentionSeconds)) {
        retentionSeconds = readRetentionSeconds();
      }
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException
          && !topicMissingLogged.getAndSet(true)) {
        log.info(
            "topic {} of group {} does not exist yet: capture creates it when it starts;"
                + " apply waits for it",
            topic,
            group.name());
      }
      return false;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Reads the backlog of each owned partition: changes past its checkpoint. */
  public void readBacklogs(List<Integer> owned, Map<Integer, ApplyCheckpoint> checkpoints) {
    GroupBacklog.EndOffsets ends;
    try {
      ends =
          GroupBacklog.endOffsets(
              admin, config, Map.of(group, owned), Duration.ofSeconds(TIMEOUT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (ends.failure().isPresent()) {
      problem = "cannot read end offsets from Kafka: " + ends.failure().get();
      log.warn(
          "could not read the end offsets of group {}: {}",
          group.name(),
          ends.failure().get().toString());
      return;
    }
    problem = null;
    backlog = GroupBacklog.of(group.name(), owned, ends.of(group.name()), checkpoints);
  }

  /** Changes in the partition past its checkpoint, as last read; 0 when not read. */
  public long backlog(int partition) {
    return backlog.partition(partition).map(GroupBacklog.Partition::backlog).orElse(0L);
  }

  /** Why the last read of end offsets failed; empty when it succeeded. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Counts the records held in the dead-letter topic, when there is one and a count is due. */
  public void readDeadLetters() {
    Instant now = clock.instant();
    if (deadLetterTopic.isEmpty() || now.isBefore(nextDeadLetterRead)) {
      return;
    }
    nextDeadLetterRead = now.plus(deadLetterEvery);
    TopicPartition dlq = new TopicPartition(deadLetterTopic.get(), 0);
    try {
      deadLetterRecords =
          Math.max(0, offset(dlq, OffsetSpec.latest()) - offset(dlq, OffsetSpec.earliest()));
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not read the offsets of {}: {}", deadLetterTopic.get(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Records held in the dead-letter topic as last counted. */
  public double deadLetterRecords() {
    return deadLetterRecords;
  }

  /** The topic's retention in seconds, +Inf when unlimited, NaN when it could not be read. */
  public double retentionSeconds() {
    return retentionSeconds;
  }

  private long offset(TopicPartition tp, OffsetSpec spec)
      throws ExecutionException, TimeoutException, InterruptedException {
    return admin
        .listOffsets(Map.of(tp, spec))
        .all()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .get(tp)
        .offset();
  }

  private double readRetentionSeconds() {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      ConfigEntry retention =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .get(resource)
              .get("retention.ms");
      if (retention == null || retention.value() == null) {
        return Double.NaN;
      }
      long ms = Long.parseLong(retention.value());
      return ms < 0 ? Double.POSITIVE_INFINITY : ms / 1000.0;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        log.warn("could not read the retention of topic {}: {}", topic, e.toString());
      }
      return Double.NaN; // read again once the topic exists
    } catch (TimeoutException | NumberFormatException e) {
      log.warn("could not read the retention of topic {}: {}", topic, e.toString());
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
