package io.sluice.apply.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.event.ChangeEventCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends refused changes to a group's dead-letter topic: the change as encoded on the group topic,
 * with headers naming the error (never a row value), the table, and where the change came from.
 * Returns only once Kafka has acknowledged every record, so a batch is committed to the target only
 * after its refused changes are safe.
 */
public final class DeadLetters implements AutoCloseable {
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ChangeEventCodec codec = new ChangeEventCodec();

  private final Properties clientProperties;

  public DeadLetters(String topic, Properties clientProperties) {
    this.topic = topic;
    this.clientProperties = clientProperties;
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  /** Creates the topic (one partition: it is read by people, not throughput) if it is absent. */
  public void ensureTopic(int replicationFactor) {
    try (Admin admin = Admin.create(clientProperties)) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) replicationFactor)))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new SluiceException("could not create dead-letter topic " + topic, e.getCause());
      }
    } catch (TimeoutException e) {
      throw new SluiceException("timed out creating dead-letter topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while creating dead-letter topic " + topic, e);
    }
  }

  public String topic() {
    return topic;
  }

  public void send(List<BadChange> bad, String groupTopic, int partition) {
    List<Future<RecordMetadata>> sent = new ArrayList<>(bad.size());
    for (BadChange b : bad) {
      RecordHeaders h = new RecordHeaders();
      h.add("sluice.error.sqlstate", utf8(b.sqlState()));
      h.add("sluice.error.reason", utf8(b.reason()));
      h.add("sluice.table", utf8(b.change().table().toString()));
      h.add("sluice.source.topic", utf8(groupTopic));
      h.add("sluice.source.partition", utf8(Integer.toString(partition)));
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  topic,
                  null,
                  codec.encodeKey(b.change().table(), b.change().key()),
                  codec.encode(b.change()),
                  h)));
    }
    try {
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new SluiceException(
          "could not write " + bad.size() + " changes to dead-letter topic " + topic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceException("interrupted while writing to dead-letter topic " + topic, e);
    }
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close();
  }
}
