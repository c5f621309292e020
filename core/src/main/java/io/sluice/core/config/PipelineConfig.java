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
    List<GroupConfig> groups) {
  public PipelineConfig {
    groups = List.copyOf(groups);
  }

  public GroupConfig group(String groupName) {
    return groups.stream()
        .filter(g -> g.name().equals(groupName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no group named " + groupName));
  }

  public TruncatePolicy truncatePolicy(GroupConfig group) {
    return group.truncate().orElse(apply.truncate());
  }

  public BadDataPolicy badDataPolicy(GroupConfig group) {
    return group.onBadData().orElse(apply.onBadData());
  }

  /** The Kafka topic that carries a group's changes. */
  public String topicOf(GroupConfig group) {
    return kafka.topicPrefix() + "." + group.name();
  }
}
