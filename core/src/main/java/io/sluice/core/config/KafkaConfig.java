package io.sluice.core.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Kafka cluster that carries change events; {@code properties} pass through to clients. {@link
 * #toString()} masks property values that may hold credentials ({@code sasl.jaas.config}, {@code
 * ssl.key.password}, ...), so the config can be logged.
 */
public record KafkaConfig(
    String bootstrapServers,
    String topicPrefix,
    int replicationFactor,
    Map<String, String> properties) {
  private static final Pattern SENSITIVE =
      Pattern.compile("(?i).*(password|secret|jaas|token|credential|keystore\\.key).*");

  public KafkaConfig {
    properties = Map.copyOf(properties);
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach(
        (k, v) -> shown.put(k, SENSITIVE.matcher(k).matches() ? new Secret(v).toString() : v));
    return "KafkaConfig[bootstrapServers="
        + bootstrapServers
        + ", topicPrefix="
        + topicPrefix
        + ", replicationFactor="
        + replicationFactor
        + ", properties="
        + shown
        + "]";
  }
}
