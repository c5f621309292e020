package io.sluice.core.config;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Kafka cluster that carries change events; {@code properties} pass through to clients, and
 * {@code auth} adds the settings of an authentication scheme ({@link KafkaAuth#IAM}: MSK IAM).
 * {@link #toString()} masks property values that may hold credentials ({@code sasl.jaas.config},
 * {@code ssl.key.password}, ...), so the config can be logged.
 */
public record KafkaConfig(
    String bootstrapServers,
    String topicPrefix,
    int replicationFactor,
    Map<String, String> properties,
    KafkaAuth auth,
    int maxMessageBytes) {
  /** The default of {@code kafka.max-message-bytes}: 64 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /**
   * The client settings {@link KafkaAuth#IAM} sets, as the MSK IAM library documents them: SASL
   * over TLS, the {@code AWS_MSK_IAM} mechanism, its login module and callback handler.
   */
  public static final Map<String, String> MSK_IAM =
      Map.of(
          "security.protocol",
          "SASL_SSL",
          "sasl.mechanism",
          "AWS_MSK_IAM",
          "sasl.jaas.config",
          "software.amazon.msk.auth.iam.IAMLoginModule required;",
          "sasl.client.callback.handler.class",
          "software.amazon.msk.auth.iam.IAMClientCallbackHandler");

  public KafkaConfig(
      String bootstrapServers,
      String topicPrefix,
      int replicationFactor,
      Map<String, String> properties) {
    this(
        bootstrapServers,
        topicPrefix,
        replicationFactor,
        properties,
        KafkaAuth.NONE,
        DEFAULT_MAX_MESSAGE_BYTES);
  }

  private static final Pattern SENSITIVE =
      Pattern.compile("(?i).*(password|secret|jaas|token|credential|keystore\\.key).*");

  public KafkaConfig {
    properties = Map.copyOf(properties);
  }

  /**
   * The settings every Kafka client of the pipeline starts from: the bootstrap servers and the
   * configured pass-through properties. A fresh copy each call, for the caller to add to.
   */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.putAll(properties);
    if (auth == KafkaAuth.IAM) {
      p.putAll(MSK_IAM);
    }
    p.put("bootstrap.servers", bootstrapServers);
    return p;
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
        + ", auth="
        + auth
        + "]";
  }
}
