package io.sluice.core.config;

import java.util.List;

/** The whole configuration of one pipeline, validated and immutable. */
public record PipelineConfig(
    String name,
    SourceConfig source,
    TargetConfig target,
    KafkaConfig kafka,
    DynamoDbConfig dynamoDb,
    CaptureConfig capture,
    ApplyConfig apply,
    AdminConfig admin,
    AlertConfig alerts,
    List<GroupConfig> groups,
    VerifyConfig verify,
    SequencesConfig sequences,
    CutoverConfig cutover,
    RegionConfig region) {
  public PipelineConfig {
    groups = List.copyOf(groups);
  }

  public GroupConfig group(String groupName) {
    return groups.stream()
        .filter(g -> g.name().equals(groupName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no group named " + groupName));
  }

  /** How often the group is verified on a schedule: its own interval, or the pipeline's. */
  public java.time.Duration verifyInterval(GroupConfig group) {
    return group.verifyInterval().orElse(verify.interval());
  }

  public TruncatePolicy truncatePolicy(GroupConfig group) {
    return group.truncate().orElse(apply.truncate());
  }

  public BadDataPolicy badDataPolicy(GroupConfig group) {
    return group.onBadData().orElse(apply.onBadData());
  }

  /**
   * Target connections of a group's apply worker: {@code target.pool-size}, by default the group's
   * partitions. Never fewer than the partitions, each of which holds one connection while it
   * writes: the loader refuses a smaller {@code target.pool-size}.
   */
  public int targetPoolSize(GroupConfig group) {
    return target.poolSize().orElse(group.partitions());
  }

  /** Lag (seconds behind the source) past which a group's lag warning fires. */
  public java.time.Duration lagAlert(GroupConfig group) {
    return group.alertLag().orElse(alerts.lag());
  }

  /** How long a group may stay paused before its alert fires. */
  public java.time.Duration pausedAlert(GroupConfig group) {
    return group.alertPaused().orElse(alerts.paused());
  }

  /** The Kafka topic that carries a group's changes. */
  /** Every group's topic with its partition count, in group order. */
  public java.util.Map<String, Integer> topics() {
    java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
    groups.forEach(g -> out.put(topicOf(g), g.partitions()));
    return out;
  }

  public String topicOf(GroupConfig group) {
    return kafka.topicPrefix() + "." + group.name();
  }
}
