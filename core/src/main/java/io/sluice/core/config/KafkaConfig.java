package io.sluice.core.config;

import java.util.Map;

/** The Kafka cluster that carries change events; {@code properties} pass through to clients. */
public record KafkaConfig(
    String bootstrapServers,
    String topicPrefix,
    int replicationFactor,
    Map<String, String> properties) {
  public KafkaConfig {
    properties = Map.copyOf(properties);
  }
}
