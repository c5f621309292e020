package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.capture.routing.ChangeRouter;
import io.sluice.core.config.KafkaAuth;
import io.sluice.core.config.KafkaConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka.auth: iam} as the running process assembles it: the MSK IAM library is on the
 * classpath of the jar that ships, and a producer, a consumer and an admin client each accept the
 * settings (the login module and callback handler load, SASL_SSL with AWS_MSK_IAM configures). No
 * broker is reached: credentials are only asked for at the SASL handshake.
 */
class MskIamClientsTest {
  private static final KafkaConfig IAM =
      new KafkaConfig(
          "127.0.0.1:9",
          "sluice.orders",
          3,
          Map.of(),
          KafkaAuth.IAM,
          KafkaConfig.DEFAULT_MAX_MESSAGE_BYTES);

  @Test
  void everyKindOfClientAcceptsTheMskIamSettings() throws Exception {
    assertThat(Class.forName("software.amazon.msk.auth.iam.IAMLoginModule")).isNotNull();
    assertThat(Class.forName("software.amazon.msk.auth.iam.IAMClientCallbackHandler")).isNotNull();

    Properties producer =
        ChangeRouter.producerProperties(
            IAM.clientProperties(), "orders", KafkaConfig.DEFAULT_MAX_MESSAGE_BYTES);
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
      assertThat(p.metrics()).isNotEmpty();
    }
    Properties consumer = IAM.clientProperties();
    consumer.put("group.id", "sluice-apply-orders-fills");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      assertThat(c.metrics()).isNotEmpty();
    }
    Properties admin = IAM.clientProperties();
    admin.put("request.timeout.ms", "1000");
    try (Admin a = Admin.create(admin)) {
      assertThat(a.metrics()).isNotEmpty();
      a.close(Duration.ZERO);
    }
  }
}
