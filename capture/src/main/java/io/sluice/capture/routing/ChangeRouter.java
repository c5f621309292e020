package io.sluice.capture.routing;

import io.sluice.core.SluiceException;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends capture's events to the topic of their table's group ({@link PipelineConfig#topicOf}),
 * keyed by table and key values ({@link ChangeEventCodec#encodeKey}):
 *
 * <ul>
 *   <li>a row change to the partition the producer picks for its key, so all changes of one row
 *       stay in one partition, in stream order; a table without a key keeps all its changes in one
 *       partition;
 *   <li>a schema event to every partition of its table's group, ahead of the first change written
 *       under the new structure, since the table's rows are spread over all of them;
 *   <li>a table's {@link Op#RELOAD} to every partition of its group, or for a table without a key
 *       to the one partition its rows use;
 *   <li>a source heartbeat to every partition of every group, behind the changes sent before it: a
 *       partition that has applied it is caught up to its commit time, idle tables or not.
 * </ul>
 *
 * <p>Sends are asynchronous; {@link #awaitSent} waits until Kafka acknowledged every one since the
 * last wait, or fails naming the topic and partition of the first it refused. Used by one thread.
 */
public final class ChangeRouter implements AutoCloseable {
  /** A row change Kafka acknowledged, with the group whose topic holds it. */
  public record Sent(ChangeEvent change, GroupConfig group) {}

  private static final Logger log = LoggerFactory.getLogger(ChangeRouter.class);

  private final PipelineConfig config;
  private final Function<TableId, Optional<GroupConfig>> groups;
  private final Producer<byte[], byte[]> producer;
  private final ChangeEventCodec codec = new ChangeEventCodec();

  /** Schema events, reloads and heartbeats in flight. */
  private final List<Pending> announcements = new ArrayList<>();

  /** Row changes in flight, in stream order. */
  private final List<Pending> changes = new ArrayList<>();

  /**
   * @param groups the group of each captured table
   * @param producer sends with byte-array keys and values; closed by {@link #close}
   */
  public ChangeRouter(
      PipelineConfig config,
      Function<TableId, Optional<GroupConfig>> groups,
      Producer<byte[], byte[]> producer) {
    this.config = config;
    this.groups = groups;
    this.producer = producer;
  }

  /**
   * The producer settings of capture, over the given Kafka client settings: idempotent, {@code
   * acks=all}, and messages as large as the topics accept unless configured otherwise.
   */
  public static Properties producerProperties(
      Properties client, String pipeline, int maxMessageBytes) {
    Properties p = new Properties();
    p.putAll(client);
    // A change carries whole rows as text (a bytea doubles in hex): allow large ones, up to what
    // the topics accept (kafka.max-message-bytes), unless configured otherwise.
    p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxMessageBytes));
    p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(4L * maxMessageBytes));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // Capture sends a Debezium batch (up to 2,048 changes) at once and waits for it: batches of
    // 256 KiB carry it in few requests, and each compressed batch allocates its LZ4 buffers once.
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-capture-" + pipeline);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Sends an event where its kind goes (see above). */
  public void route(ChangeEvent e) {
    switch (e.op()) {
      case HEARTBEAT -> {
        for (GroupConfig g : config.groups()) {
          toEveryPartition(g, e);
        }
      }
      case SCHEMA -> {
        GroupConfig group = groupOf(e);
        toEveryPartition(group, e);
        log.info("schema of {} announced to group {}", e.table(), group.name());
      }
      case RELOAD -> {
        GroupConfig group = groupOf(e);
        if (e.isKeyless()) {
          announcements.add(send(group, null, e));
        } else {
          toEveryPartition(group, e);
        }
      }
      default -> changes.add(send(groupOf(e), null, e));
    }
  }

  /**
   * Waits until Kafka acknowledged everything routed since the last wait: schema events, reloads
   * and heartbeats first, then the row changes.
   *
   * @return the row changes sent, in the order they were routed
   * @throws SluiceException when Kafka did not take one, naming its topic and partition
   */
  public List<Sent> awaitSent() throws InterruptedException {
    try {
      for (Pending p : announcements) {
        p.await("Kafka refused a schema change or heartbeat event");
      }
      List<Sent> sent = new ArrayList<>(changes.size());
      for (Pending p : changes) {
        p.await("Kafka did not take a change of " + p.event.table());
        sent.add(new Sent(p.event, p.group));
      }
      return sent;
    } finally {
      announcements.clear();
      changes.clear();
    }
  }

  /** Closes the producer, waiting for what it still sends. */
  @Override
  public void close() {
    producer.close();
  }

  private GroupConfig groupOf(ChangeEvent e) {
    return groups.apply(e.table()).orElseThrow();
  }

  private void toEveryPartition(GroupConfig group, ChangeEvent e) {
    byte[] key = codec.encodeKey(e.table(), Map.of());
    byte[] value = codec.encode(e);
    for (int p = 0; p < group.partitions(); p++) {
      announcements.add(send(group, p, key, value, e));
    }
  }

  /** To the partition of the event's key, or to {@code partition} when one is given. */
  private Pending send(GroupConfig group, Integer partition, ChangeEvent e) {
    // A table without a key keeps all its changes in one partition, in stream order.
    byte[] key = codec.encodeKey(e.table(), e.isKeyless() ? Map.of() : e.key());
    return send(group, partition, key, codec.encode(e), e);
  }

  private Pending send(
      GroupConfig group, Integer partition, byte[] key, byte[] value, ChangeEvent e) {
    Pending pending = new Pending(e, group, config.topicOf(group), partition);
    pending.future =
        producer.send(new ProducerRecord<>(pending.topic, partition, key, value), pending);
    return pending;
  }

  /**
   * One send, with where it went: Kafka's error on its future names neither topic nor partition.
   */
  private static final class Pending implements Callback {
    final ChangeEvent event;
    final GroupConfig group;
    final String topic;
    volatile Integer partition;
    Future<RecordMetadata> future;

    Pending(ChangeEvent event, GroupConfig group, String topic, Integer partition) {
      this.event = event;
      this.group = group;
      this.topic = topic;
      this.partition = partition;
    }

    /** Called before the future completes, failed or not, with the partition the producer chose. */
    @Override
    public void onCompletion(RecordMetadata metadata, Exception error) {
      if (partition == null && metadata != null && metadata.partition() >= 0) {
        partition = metadata.partition();
      }
    }

    void await(String what) throws InterruptedException {
      try {
        future.get();
      } catch (ExecutionException ex) {
        throw new SluiceException(
            what
                + " for topic "
                + topic
                + (partition == null ? " (no partition chosen yet)" : " partition " + partition)
                + ": "
                + ex.getCause(),
            ex);
      }
    }
  }
}
