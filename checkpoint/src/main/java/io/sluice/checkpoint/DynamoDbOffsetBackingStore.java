package io.sluice.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.checkpoint.internal.FormatVersion;
import io.sluice.core.SluiceException;
import io.sluice.core.config.DynamoDbConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Debezium's source offsets, kept in DynamoDB instead of a local file so a capture restarted on any
 * node resumes where the last one stopped, without a new snapshot.
 *
 * <p>One item per pipeline holds the whole offset map (a PostgreSQL connector has a single source
 * partition). {@link #set} persists to DynamoDB <em>before</em> it updates memory and completes, so
 * Debezium confirms an LSN to the source slot only once the offset is durable.
 *
 * <p>Under a capture lease ({@link #fencedBy}) every write is one DynamoDB transaction with a check
 * that the lease is still held with the same owner and epoch, so a capture process that lost its
 * lease cannot move the stored offset.
 *
 * <p>Debezium instantiates this class by name; it reads its settings from the engine properties
 * produced by {@link #engineProperties}.
 */
public class DynamoDbOffsetBackingStore extends MemoryOffsetBackingStore {
  /**
   * The clock of the lease check: Kafka Connect makes this store by class name, so nothing injects
   * one; the capture lease store runs on the system clock too.
   */
  private static final Clock CLOCK = Clock.systemUTC();

  static final String PREFIX = "sluice.offsets.";
  static final String TABLE = PREFIX + "table";
  static final String PIPELINE = PREFIX + "pipeline";
  static final String REGION = PREFIX + "region";
  static final String ENDPOINT = PREFIX + "endpoint";
  static final String LOCAL_CREDENTIALS = PREFIX + "local-credentials";
  static final String LEASES = PREFIX + "leases";
  static final String LEASE_GROUP = PREFIX + "lease.group";
  static final String LEASE_OWNER = PREFIX + "lease.owner";
  static final String LEASE_EPOCH = PREFIX + "lease.epoch";
  private static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DynamoDbClient client;
  private String table;
  private String pipeline;
  private String leases;
  private Lease fence;

  /** Public no-argument constructor, required by the Debezium engine. */
  public DynamoDbOffsetBackingStore() {}

  /** The engine properties that point Debezium at this store. */
  public static Map<String, String> engineProperties(
      DynamoDbConfig dynamo, StateTables tables, String pipeline) {
    Map<String, String> p = new HashMap<>();
    p.put("offset.storage", DynamoDbOffsetBackingStore.class.getName());
    p.put(TABLE, tables.sourceOffsets());
    p.put(PIPELINE, pipeline);
    p.put(REGION, dynamo.region());
    dynamo.endpoint().ifPresent(e -> p.put(ENDPOINT, e.toString()));
    p.put(LOCAL_CREDENTIALS, Boolean.toString(dynamo.localCredentials()));
    return p;
  }

  /** The engine properties that make every offset write conditional on the capture lease. */
  public static Map<String, String> fencedBy(StateTables tables, Lease lease) {
    return Map.of(
        LEASES, tables.leases(),
        LEASE_GROUP, lease.group(),
        LEASE_OWNER, lease.owner(),
        LEASE_EPOCH, Long.toString(lease.epoch()));
  }

  /**
   * Records, before capture's engine starts an initial snapshot, that one is under way: the item
   * exists with no offsets until Debezium stores its first. A capture that finds the item so (it
   * stopped before any offset was stored, the replication slot possibly created) knows the slot is
   * its own unfinished one, not one whose offsets were lost.
   *
   * @param lease the capture lease, when capture runs under one: the write is conditional on it
   */
  public static void markSnapshotStarting(
      DynamoDbClient client, StateTables tables, String pipeline, Optional<Lease> lease) {
    write(client, tables.sourceOffsets(), tables.leases(), lease.orElse(null), pipeline, Map.of());
  }

  /**
   * Stores an offset from which capture streams a replication slot created outside it: by {@code
   * sluice cutover}, on the new primary while its writers are stopped, so the stream starts at the
   * slot's consistent point and nothing before it is wanted. Replaces whatever offset the pipeline
   * had (one taken on a slot that no longer exists). The connector's partition is the one capture's
   * engine uses ({@code name} {@code sluice-<pipeline>}, {@code topic.prefix} the pipeline).
   */
  public static void startStreamingAt(
      DynamoDbClient client, StateTables tables, String pipeline, long lsn, Instant at) {
    ObjectNode partition = JSON.createObjectNode().put("server", pipeline);
    String key = JSON.createArrayNode().add("sluice-" + pipeline).add(partition).toString();
    long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    String value = JSON.createObjectNode().put("lsn", lsn).put("ts_usec", micros).toString();
    write(
        client,
        tables.sourceOffsets(),
        tables.leases(),
        null,
        pipeline,
        Map.of(
            key,
            AttributeValue.fromB(SdkBytes.fromByteArray(value.getBytes(StandardCharsets.UTF_8)))));
  }

  /** Whether the pipeline has an offsets item at all (with or without offsets in it). */
  public static boolean itemExists(DynamoDbClient client, StateTables tables, String pipeline) {
    GetItemResponse r =
        client.getItem(
            b -> b.tableName(tables.sourceOffsets()).key(key(pipeline)).consistentRead(true));
    return r.hasItem();
  }

  /**
   * The stored source offset of a pipeline (the connector's single partition), decoded, or empty
   * when capture never committed one.
   */
  public static Optional<Map<String, Object>> storedOffset(
      DynamoDbClient client, StateTables tables, String pipeline) {
    for (AttributeValue v : readOffsets(client, tables.sourceOffsets(), pipeline).values()) {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> offset = JSON.readValue(v.b().asByteArray(), Map.class);
        return Optional.of(offset);
      } catch (IOException e) {
        throw new SluiceException("unreadable source offset of pipeline " + pipeline, e);
      }
    }
    return Optional.empty();
  }

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    Map<String, Object> o = config.originals();
    table = required(o, TABLE);
    pipeline = required(o, PIPELINE);
    if (o.get(LEASE_OWNER) != null) {
      leases = required(o, LEASES);
      // only owner and epoch are checked against the item; its expiry is the item's own
      fence =
          new Lease(
              required(o, LEASE_GROUP),
              0,
              required(o, LEASE_OWNER),
              Long.parseLong(required(o, LEASE_EPOCH)),
              Instant.MAX);
    }
    Optional<URI> endpoint = Optional.ofNullable((String) o.get(ENDPOINT)).map(URI::create);
    client =
        DynamoDbClients.create(
            new DynamoDbConfig(
                required(o, REGION),
                endpoint,
                "",
                Boolean.parseBoolean(String.valueOf(o.get(LOCAL_CREDENTIALS)))));
  }

  @Override
  public synchronized void start() {
    super.start();
    for (Map.Entry<String, AttributeValue> e : readOffsets(client, table, pipeline).entrySet()) {
      data.put(
          ByteBuffer.wrap(e.getKey().getBytes(StandardCharsets.UTF_8)),
          ByteBuffer.wrap(e.getValue().b().asByteArray()));
    }
  }

  /**
   * The stored offset map of a pipeline, empty when there is none. The format version is checked
   * first: an item of another layout must not read as "no offset", which would send the operator to
   * drop the slot.
   */
  private static Map<String, AttributeValue> readOffsets(
      DynamoDbClient client, String table, String pipeline) {
    GetItemResponse r =
        client.getItem(b -> b.tableName(table).key(key(pipeline)).consistentRead(true));
    if (!r.hasItem()) {
      return Map.of();
    }
    FormatVersion.require(r.item(), FORMAT_VERSION, describe(table, pipeline));
    AttributeValue offsets = r.item().get("offsets");
    return offsets == null ? Map.of() : offsets.m();
  }

  @Override
  public synchronized void stop() {
    super.stop();
    if (client != null) {
      client.close();
    }
  }

  @Override
  public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
    return executor.submit(
        () -> {
          Map<ByteBuffer, ByteBuffer> next = new HashMap<>(data);
          next.putAll(values);
          try {
            persist(next);
          } catch (RuntimeException e) {
            if (callback != null) {
              callback.onCompletion(e, null);
            }
            throw e;
          }
          data.putAll(values);
          if (callback != null) {
            callback.onCompletion(null, null);
          }
          return null;
        });
  }

  @Override
  protected void save() {
    persist(data);
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    Set<Map<String, Object>> partitions = new HashSet<>();
    for (ByteBuffer k : data.keySet()) {
      try {
        JsonNode key = JSON.readTree(bytes(k));
        if (key.isArray() && key.size() == 2 && connectorName.equals(key.get(0).asText())) {
          @SuppressWarnings("unchecked")
          Map<String, Object> partition = JSON.convertValue(key.get(1), Map.class);
          partitions.add(partition);
        }
      } catch (IOException e) {
        throw new SluiceException("unreadable offset key in " + table, e);
      }
    }
    return partitions;
  }

  /** Offsets as stored: Kafka Connect keys are JSON text, so they serve as map keys directly. */
  private void persist(Map<ByteBuffer, ByteBuffer> offsets) {
    Map<String, AttributeValue> m = new HashMap<>();
    for (Map.Entry<ByteBuffer, ByteBuffer> e : offsets.entrySet()) {
      if (e.getValue() == null) {
        continue;
      }
      m.put(
          new String(bytes(e.getKey()), StandardCharsets.UTF_8),
          AttributeValue.fromB(SdkBytes.fromByteArray(bytes(e.getValue()))));
    }
    write(client, table, leases, fence, pipeline, m);
  }

  /** Puts the pipeline's item, conditional on the capture lease when there is one. */
  private static void write(
      DynamoDbClient client,
      String table,
      String leases,
      Lease fence,
      String pipeline,
      Map<String, AttributeValue> offsets) {
    Map<String, AttributeValue> item = new HashMap<>(key(pipeline));
    item.put("format_version", AttributeValue.fromN(Integer.toString(FORMAT_VERSION)));
    item.put("offsets", AttributeValue.fromM(offsets));
    Instant now = CLOCK.instant();
    item.put("updated_at", AttributeValue.fromS(now.toString()));
    if (fence == null) {
      client.putItem(b -> b.tableName(table).item(item));
      return;
    }
    try {
      client.transactWriteItems(
          b ->
              b.transactItems(
                  DynamoDbLeaseStore.fenceCheck(leases, fence, now),
                  TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build()));
    } catch (TransactionCanceledException e) {
      throw new LeaseLostException(
          "source offsets of pipeline "
              + pipeline
              + " not stored: the capture lease of epoch "
              + fence.epoch()
              + " held by "
              + fence.owner()
              + " expired or passed to another process");
    }
  }

  private static String describe(String table, String pipeline) {
    return "source offsets of pipeline " + pipeline + " in DynamoDB table " + table;
  }

  private static Map<String, AttributeValue> key(String pipeline) {
    return Map.of("pipeline", AttributeValue.fromS(pipeline));
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private static String required(Map<String, Object> o, String key) {
    Object v = o.get(key);
    if (v == null || v.toString().isBlank()) {
      throw new SluiceException(
          "offset store setting "
              + key
              + " is missing; build engine properties with"
              + " DynamoDbOffsetBackingStore.engineProperties");
    }
    return v.toString();
  }
}
