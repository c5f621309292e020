package io.sluice.cli.cutover;

import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether writers of the groups' tables have stopped, as the pipeline itself saw it: the row
 * changes (not heartbeats) captured into the groups' topics since the watch began. Capture must
 * have carried the source up to where it was when the watch began, and up to where it is when the
 * watch ends; then every such change is a write the application committed during the watch.
 */
final class FreezeWatch implements AutoCloseable {
  private final PipelineConfig config;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final ChangeEventCodec codec = new ChangeEventCodec();
  private Map<TopicPartition, Long> start;

  FreezeWatch(PipelineConfig config) {
    this.config = config;
    Properties p = new Properties();
    p.putAll(config.kafka().clientProperties());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        Integer.toString(config.kafka().maxMessageBytes()));
    this.consumer = new KafkaConsumer<>(p);
    for (GroupConfig g : config.groups()) {
      for (int i = 0; i < g.partitions(); i++) {
        partitions.add(new TopicPartition(config.topicOf(g), i));
      }
    }
    consumer.assign(partitions);
  }

  /** Marks where the watch starts: the topics' ends now. */
  void begin() {
    start = consumer.endOffsets(partitions, Duration.ofSeconds(60));
  }

  /** Row changes found, as table names and how many. */
  record Writes(long changes, Set<String> tables) {}

  /** The row changes in the topics since {@link #begin}, read up to the topics' ends now. */
  Writes since(Clock clock, Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
    start.forEach(consumer::seek);
    Instant deadline = clock.instant().plus(timeout);
    long changes = 0;
    Set<String> tables = new TreeSet<>();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (clock.instant().isAfter(deadline)) {
        throw new IllegalStateException(
            "reading the groups' topics of pipeline " + config.name() + " took over " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))
            || r.value() == null) {
          continue;
        }
        ChangeEvent e = codec.decode(r.value());
        boolean row =
            e.op() == Op.INSERT
                || e.op() == Op.UPDATE
                || e.op() == Op.DELETE
                || e.op() == Op.TRUNCATE;
        if (row) {
          changes++;
          tables.add(e.table().toString());
        }
      }
    }
    return new Writes(changes, tables);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
