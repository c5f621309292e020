package io.sluice.apply;

import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a group's partitions are behind its topic: for each partition, the topic's end offset,
 * the next offset its checkpoint will apply, and the backlog between them (changes in Kafka not yet
 * applied). The one definition behind {@code sluice ctl status}, the admin API's {@code /groups},
 * the backlog metric, the wait for a caught-up pipeline and the benchmark.
 */
public record GroupBacklog(String group, List<GroupBacklog.Partition> partitions) {
  /**
   * One partition.
   *
   * @param endOffset the topic partition's end offset; -1 when it could not be read
   * @param nextOffset the offset of the first record its checkpoint has not applied; 0 without one
   */
  public record Partition(int partition, long endOffset, long nextOffset) {
    /** Changes past the checkpoint; -1 when the end offset is unknown. */
    public long backlog() {
      return endOffset < 0 ? -1 : Math.max(0, endOffset - nextOffset);
    }
  }

  public GroupBacklog {
    partitions = List.copyOf(partitions);
  }

  /**
   * The backlog of the given partitions of a group.
   *
   * @param ends end offsets by partition; a partition without one has an unknown backlog
   */
  public static GroupBacklog of(
      String group,
      Collection<Integer> partitions,
      Map<Integer, Long> ends,
      Map<Integer, ApplyCheckpoint> checkpoints) {
    List<Partition> out = new ArrayList<>();
    for (int p : partitions.stream().sorted().toList()) {
      ApplyCheckpoint cp = checkpoints.get(p);
      out.add(new Partition(p, ends.getOrDefault(p, -1L), cp == null ? 0 : cp.nextOffset()));
    }
    return new GroupBacklog(group, out);
  }

  /** The partition's entry, if the backlog covers it. */
  public Optional<Partition> partition(int partition) {
    return partitions.stream().filter(p -> p.partition() == partition).findFirst();
  }

  /** Whether every partition's end offset is known and its checkpoint has reached it. */
  public boolean caughtUp() {
    return partitions.stream().allMatch(p -> p.backlog() == 0);
  }

  /**
   * End offsets read from Kafka in one request: those known, by group and partition, and the first
   * failure, if a partition's could not be read (its topic may not exist yet).
   */
  public record EndOffsets(Map<String, Map<Integer, Long>> byGroup, Optional<Exception> failure) {
    public Map<Integer, Long> of(String group) {
      return byGroup.getOrDefault(group, Map.of());
    }
  }

  /**
   * Reads the end offsets of the given partitions of each group's topic in one request, waiting at
   * most {@code timeout} in all.
   *
   * @param partitions the partitions to read, by group
   */
  public static EndOffsets endOffsets(
      Admin admin,
      PipelineConfig config,
      Map<GroupConfig, ? extends Collection<Integer>> partitions,
      Duration timeout)
      throws InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    Map<String, String> groupOfTopic = new HashMap<>();
    partitions.forEach(
        (g, ps) -> {
          String topic = config.topicOf(g);
          groupOfTopic.put(topic, g.name());
          ps.forEach(p -> request.put(new TopicPartition(topic, p), OffsetSpec.latest()));
        });
    Map<String, Map<Integer, Long>> out = new HashMap<>();
    Exception failure = null;
    if (request.isEmpty()) {
      return new EndOffsets(out, Optional.empty());
    }
    ListOffsetsResult result = admin.listOffsets(request);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (TopicPartition tp : request.keySet()) {
      try {
        long offset =
            result
                .partitionResult(tp)
                .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                .offset();
        out.computeIfAbsent(groupOfTopic.get(tp.topic()), k -> new HashMap<>())
            .put(tp.partition(), offset);
      } catch (ExecutionException | TimeoutException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    return new EndOffsets(out, Optional.ofNullable(failure));
  }

  /** Every partition of the group, for {@link #endOffsets}. */
  public static List<Integer> allPartitions(GroupConfig group) {
    List<Integer> all = new ArrayList<>();
    for (int p = 0; p < group.partitions(); p++) {
      all.add(p);
    }
    return all;
  }
}
