package io.sluice.capture.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.SluiceException;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.ChangeEventCodec;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ChangeRouterTest {
  private static final PipelineConfig CONFIG =
      new ConfigLoader(Map.of())
          .parse(
              """
              pipeline: {name: shop}
              source: {host: src, database: shop, user: cap}
              target: {host: dst, database: reporting, user: app}
              kafka: {bootstrap-servers: "localhost:9092", topic-prefix: cdc}
              dynamodb: {table-prefix: test-}
              groups:
                - name: orders
                  tables: [orders, audit]
                  partitions: 3
                - name: refs
                  tables: [countries]
                  partitions: 2
              """,
              "test");

  private static final GroupConfig ORDERS_GROUP = CONFIG.group("orders");
  private static final GroupConfig REFS_GROUP = CONFIG.group("refs");
  private static final TableId ORDERS = new TableId("public", "orders");
  private static final TableId AUDIT = new TableId("public", "audit");
  private static final TableId COUNTRIES = new TableId("public", "countries");
  private static final TableId HEARTBEATS = new TableId("sluice", "heartbeat");
  private static final Map<TableId, GroupConfig> GROUPS =
      Map.of(ORDERS, ORDERS_GROUP, AUDIT, ORDERS_GROUP, COUNTRIES, REFS_GROUP);

  private final ChangeEventCodec codec = new ChangeEventCodec();

  @Test
  void aChangeGoesToItsGroupsTopicAndThePartitionOfItsKey() throws Exception {
    RecordingProducer producer = new RecordingProducer(true);
    ChangeRouter router = router(producer);
    ChangeEvent first = insert(ORDERS, "7", 1);
    ChangeEvent again = update(ORDERS, "7", 2);
    ChangeEvent other = insert(ORDERS, "8", 3);
    ChangeEvent country = insert(COUNTRIES, "NZ", 4);

    for (ChangeEvent e : List.of(first, again, other, country)) {
      router.route(e);
    }

    assertThat(router.awaitSent())
        .containsExactly(
            new ChangeRouter.Sent(first, ORDERS_GROUP),
            new ChangeRouter.Sent(again, ORDERS_GROUP),
            new ChangeRouter.Sent(other, ORDERS_GROUP),
            new ChangeRouter.Sent(country, REFS_GROUP));
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertThat(sent)
        .extracting(ProducerRecord::topic)
        .containsExactly("cdc.orders", "cdc.orders", "cdc.orders", "cdc.refs");
    // the producer places each by its key: the table and the key values
    assertThat(sent).extracting(ProducerRecord::partition).containsOnlyNulls();
    assertThat(sent.get(0).key()).isEqualTo(codec.encodeKey(ORDERS, Map.of("id", "7")));
    assertThat(sent.get(1).key()).isEqualTo(sent.get(0).key());
    assertThat(sent.get(3).key()).isEqualTo(codec.encodeKey(COUNTRIES, Map.of("id", "NZ")));
    assertThat(sent.get(0).value()).isEqualTo(codec.encode(first));
    for (int i = 0; i < sent.size(); i++) {
      int partitions = i < 3 ? 3 : 2;
      assertThat(producer.partitionOf(i))
          .isEqualTo(BuiltInPartitioner.partitionForKey(sent.get(i).key(), partitions));
    }
    assertThat(producer.partitionOf(1)).isEqualTo(producer.partitionOf(0));
  }

  @Test
  void aTableWithoutAKeyKeepsAllItsChangesInOnePartition() throws Exception {
    RecordingProducer producer = new RecordingProducer(true);
    ChangeRouter router = router(producer);

    router.route(keylessInsert(Map.of("line", "a"), 1));
    router.route(keylessInsert(Map.of("line", "b"), 2));
    router.awaitSent();

    byte[] tableOnly = codec.encodeKey(AUDIT, Map.of());
    assertThat(producer.history())
        .allSatisfy(
            r -> {
              assertThat(r.topic()).isEqualTo("cdc.orders");
              assertThat(r.key()).isEqualTo(tableOnly);
            });
    assertThat(producer.partitionOf(0))
        .isEqualTo(producer.partitionOf(1))
        .isEqualTo(BuiltInPartitioner.partitionForKey(tableOnly, 3));
  }

  @Test
  void aHeartbeatGoesToEveryPartitionOfEveryGroup() throws Exception {
    RecordingProducer producer = new RecordingProducer(true);
    ChangeRouter router = router(producer);
    ChangeEvent heartbeat = ChangeEvent.heartbeat(HEARTBEATS, 100, 5, 1_000);

    router.route(heartbeat);

    assertThat(router.awaitSent()).isEmpty();
    assertThat(producer.history())
        .extracting(r -> r.topic() + "/" + r.partition())
        .containsExactly(
            "cdc.orders/0", "cdc.orders/1", "cdc.orders/2", "cdc.refs/0", "cdc.refs/1");
    assertThat(producer.history())
        .allSatisfy(
            r -> {
              assertThat(r.key()).isEqualTo(codec.encodeKey(HEARTBEATS, Map.of()));
              assertThat(r.value()).isEqualTo(codec.encode(heartbeat));
            });
  }

  @Test
  void aSchemaEventGoesToEveryPartitionOfItsTablesGroupOnly() throws Exception {
    RecordingProducer producer = new RecordingProducer(true);
    ChangeRouter router = router(producer);
    ChangeEvent schemaChange =
        ChangeEvent.schemaChange(
            new TableSchema(
                COUNTRIES,
                List.of(
                    new ColumnSchema("id", "text", false), new ColumnSchema("name", "text", true)),
                List.of("id")),
            200,
            6,
            2_000);

    router.route(schemaChange);

    assertThat(router.awaitSent()).isEmpty();
    assertThat(producer.history())
        .extracting(r -> r.topic() + "/" + r.partition())
        .containsExactly("cdc.refs/0", "cdc.refs/1");
    assertThat(producer.history())
        .allSatisfy(
            r -> {
              assertThat(r.key()).isEqualTo(codec.encodeKey(COUNTRIES, Map.of()));
              assertThat(r.value()).isEqualTo(codec.encode(schemaChange));
            });
  }

  @Test
  void aReloadGoesToEveryPartitionOfItsGroupOrForATableWithoutAKeyToThePartitionOfItsRows()
      throws Exception {
    RecordingProducer producer = new RecordingProducer(true);
    ChangeRouter router = router(producer);
    TableSchema orders =
        new TableSchema(ORDERS, List.of(new ColumnSchema("id", "bigint", false)), List.of("id"));
    TableSchema audit =
        new TableSchema(AUDIT, List.of(new ColumnSchema("line", "text", true)), List.of());

    router.route(ChangeEvent.reload(orders, 300, 3_000));
    router.route(ChangeEvent.reload(audit, 300, 3_000));
    router.route(keylessInsert(Map.of("line", "a"), 4));

    assertThat(router.awaitSent()).hasSize(1);
    assertThat(producer.history())
        .extracting(r -> r.topic() + "/" + r.partition())
        .containsExactly(
            "cdc.orders/0", "cdc.orders/1", "cdc.orders/2", "cdc.orders/null", "cdc.orders/null");
    assertThat(producer.history().get(3).key()).isEqualTo(producer.history().get(4).key());
    assertThat(producer.partitionOf(3)).isEqualTo(producer.partitionOf(4));
  }

  @Test
  void aChangeKafkaDoesNotTakeFailsNamingItsTopicAndPartition() {
    RecordingProducer producer = new RecordingProducer(false);
    ChangeRouter router = router(producer);
    ChangeEvent change = insert(ORDERS, "7", 1);
    int partition =
        BuiltInPartitioner.partitionForKey(codec.encodeKey(ORDERS, Map.of("id", "7")), 3);

    RecordTooLargeException refused = new RecordTooLargeException("the message is 70000000 bytes");

    router.route(change);
    producer.errorNext(refused);

    assertThatThrownBy(router::awaitSent)
        .isInstanceOf(SluiceException.class)
        .hasMessage(
            "Kafka did not take a change of public.orders for topic cdc.orders partition "
                + partition
                + ": "
                + refused)
        .hasRootCause(refused);
  }

  @Test
  void aHeartbeatKafkaRefusesFailsNamingTheTopicAndPartitionItWasFor() {
    RecordingProducer producer = new RecordingProducer(false);
    ChangeRouter router = router(producer);

    router.route(insert(ORDERS, "7", 1));
    router.route(ChangeEvent.heartbeat(HEARTBEATS, 100, 5, 1_000));
    producer.completeNext(); // the change
    for (int i = 0; i < 4; i++) {
      producer.completeNext();
    }
    producer.errorNext(new RecordTooLargeException("refused"));

    assertThatThrownBy(router::awaitSent)
        .isInstanceOf(SluiceException.class)
        .hasMessageStartingWith(
            "Kafka refused a schema change or heartbeat event for topic cdc.refs partition 1: ");
  }

  @Test
  void schemaEventsAndHeartbeatsAreAwaitedBeforeChanges() {
    RecordingProducer producer = new RecordingProducer(false);
    ChangeRouter router = router(producer);

    router.route(insert(ORDERS, "7", 1));
    router.route(ChangeEvent.heartbeat(HEARTBEATS, 100, 5, 1_000));
    while (producer.errorNext(new RecordTooLargeException("refused"))) {
      // every send fails
    }

    assertThatThrownBy(router::awaitSent)
        .hasMessageStartingWith(
            "Kafka refused a schema change or heartbeat event for topic cdc.orders partition 0: ");
  }

  @Test
  void theProducerKeepsCapturesGuaranteesWhateverIsConfigured() {
    Properties client = new Properties();
    client.put("bootstrap.servers", "kafka:9092");
    client.put(ProducerConfig.ACKS_CONFIG, "1");
    client.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    client.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576");

    Properties p = ChangeRouter.producerProperties(client, "shop", 64 * 1024 * 1024);

    assertThat(p)
        .containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
        .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5")
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576")
        .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(4L * 64 * 1024 * 1024))
        .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "sluice-capture-shop");
    assertThat(client).doesNotContainKey(ProducerConfig.CLIENT_ID_CONFIG);
  }

  private static ChangeRouter router(MockProducer<byte[], byte[]> producer) {
    return new ChangeRouter(CONFIG, t -> Optional.ofNullable(GROUPS.get(t)), producer);
  }

  private static ChangeEvent insert(TableId table, String id, long lsn) {
    return new ChangeEvent(
        table, Op.INSERT, lsn, 1, 10, Map.of("id", id), Map.of("id", id), Set.of());
  }

  private static ChangeEvent update(TableId table, String id, long lsn) {
    return new ChangeEvent(
        table, Op.UPDATE, lsn, 1, 10, Map.of("id", id), Map.of("id", id), Set.of());
  }

  private static ChangeEvent keylessInsert(Map<String, String> row, long lsn) {
    return ChangeEvent.keyless(AUDIT, Op.INSERT, 1, lsn, 1, 10, Map.of(), row);
  }

  /**
   * A {@link MockProducer} over a cluster holding both groups' topics, that places a record without
   * a partition by its key as {@code KafkaProducer} does, and keeps what each send returned.
   */
  private static final class RecordingProducer extends MockProducer<byte[], byte[]> {
    private final List<Future<RecordMetadata>> results = new ArrayList<>();

    RecordingProducer(boolean autoComplete) {
      super(
          cluster(),
          autoComplete,
          new ByKey(),
          new ByteArraySerializer(),
          new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      Future<RecordMetadata> result = super.send(record, callback);
      results.add(result);
      return result;
    }

    /** The partition the {@code i}th send went to. */
    int partitionOf(int i) throws Exception {
      return results.get(i).get().partition();
    }

    private static Cluster cluster() {
      Node node = new Node(0, "localhost", 9092);
      List<PartitionInfo> partitions = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        partitions.add(new PartitionInfo("cdc.orders", p, node, new Node[] {node}, new Node[0]));
      }
      for (int p = 0; p < 2; p++) {
        partitions.add(new PartitionInfo("cdc.refs", p, node, new Node[] {node}, new Node[0]));
      }
      return new Cluster("test", List.of(node), partitions, Set.of(), Set.of());
    }
  }

  /** Kafka's partitioning of a keyed record: murmur2 of the key bytes. */
  private static final class ByKey implements Partitioner {
    @Override
    public int partition(
        String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster c) {
      return BuiltInPartitioner.partitionForKey(keyBytes, c.partitionCountForTopic(topic));
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public void close() {}
  }
}
