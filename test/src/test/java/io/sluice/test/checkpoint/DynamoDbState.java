package io.sluice.test.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbLeaseStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.config.DynamoDbConfig;
import io.sluice.embedded.EmbeddedInfrastructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * State tables of one test on the shared DynamoDB Local, under a prefix no other test uses, and
 * stored items rendered as DynamoDB JSON (the form {@code aws dynamodb get-item} prints) for
 * golden-file comparison.
 */
final class DynamoDbState implements AutoCloseable {
  /** What a golden file holds in place of an {@code updated_at} timestamp. */
  static final String INSTANT = "<ISO-8601 instant>";

  private static final ObjectMapper JSON = new ObjectMapper();

  final DynamoDbConfig config;
  final StateTables tables;
  final DynamoDbClient client;

  DynamoDbState() {
    String prefix = "ckpt-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    this.config =
        new DynamoDbConfig(
            "eu-west-1",
            Optional.of(EmbeddedInfrastructure.shared().dynamoDb().endpoint()),
            prefix,
            true);
    this.tables = new StateTables(prefix);
    this.client = DynamoDbClients.create(config);
    tables.ensureExist(client);
  }

  /** A lease on the partition for {@code owner}, taken on {@code clock} with a 10 s timeout. */
  Lease lease(String group, int partition, String owner, Clock clock) {
    return new DynamoDbLeaseStore(client, tables, clock, Duration.ofSeconds(10))
        .tryAcquire(group, partition, owner)
        .orElseThrow();
  }

  /** An offset store configured the way the Debezium engine configures it, started. */
  DynamoDbOffsetBackingStore startOffsetStore(String pipeline) {
    return startOffsetStore(pipeline, Map.of());
  }

  /** The same, with more engine properties (a capture lease to fence writes with). */
  DynamoDbOffsetBackingStore startOffsetStore(String pipeline, Map<String, String> more) {
    Map<String, String> props =
        new HashMap<>(DynamoDbOffsetBackingStore.engineProperties(config, tables, pipeline));
    props.putAll(more);
    props.put("bootstrap.servers", "127.0.0.1:9");
    props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
    props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    // required by StandaloneConfig; this store keeps nothing on disk
    props.put(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG, "unused");
    DynamoDbOffsetBackingStore store = new DynamoDbOffsetBackingStore();
    store.configure(new StandaloneConfig(props));
    store.start();
    return store;
  }

  Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
    return client.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
  }

  /**
   * The item as DynamoDB JSON, with each of {@code instants} (checked to hold an ISO-8601 instant)
   * replaced by {@link #INSTANT}.
   */
  static JsonNode render(Map<String, AttributeValue> item, Set<String> instants) {
    ObjectNode out = JSON.createObjectNode();
    item.forEach(
        (name, value) -> {
          if (instants.contains(name)) {
            Instant.parse(value.s());
            out.set(name, JSON.createObjectNode().put("S", INSTANT));
          } else {
            out.set(name, render(value));
          }
        });
    return out;
  }

  private static JsonNode render(AttributeValue v) {
    ObjectNode node = JSON.createObjectNode();
    switch (v.type()) {
      case S -> node.put("S", v.s());
      case N -> node.put("N", v.n());
      case B -> node.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
      case BOOL -> node.put("BOOL", v.bool());
      case NUL -> node.put("NULL", true);
      case M -> {
        ObjectNode m = node.putObject("M");
        v.m().forEach((k, x) -> m.set(k, render(x)));
      }
      case L -> v.l().forEach(x -> node.withArray("L").add(render(x)));
      case SS -> v.ss().forEach(x -> node.withArray("SS").add(x));
      case NS -> v.ns().forEach(x -> node.withArray("NS").add(x));
      default -> throw new IllegalArgumentException("unexpected attribute type " + v.type());
    }
    return node;
  }

  static JsonNode golden(String name) {
    try (InputStream in = DynamoDbState.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no golden file golden/" + name + " on the classpath");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pretty(JsonNode node) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes this test's tables. */
  @Override
  public void close() {
    try {
      for (String t : tables.all()) {
        client.deleteTable(b -> b.tableName(t));
      }
    } finally {
      client.close();
    }
  }
}
