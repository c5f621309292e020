package io.sluice.cli.regions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Stands in for DynamoDB global tables between two DynamoDB Local instances that stand for two
 * regions. A write in one region reaches the other {@code delay} later, and of two writes to one
 * item the later one wins in both (global tables reconcile by last writer wins). As with global
 * tables, each item is replicated on its own, in no order across items, and a conditional write is
 * checked against the local region's copy only. It polls every 100 ms, so two writes to one item
 * within a poll replicate as the second.
 */
final class ReplicationShim implements AutoCloseable {
  private final Region a;
  private final Region b;
  private final List<String> tables;
  private final Duration delay;
  private final Clock clock = Clock.systemUTC();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "replication-shim");
            t.setDaemon(true);
            return t;
          });
  final AtomicLong copied = new AtomicLong();

  /** One region's table contents as last seen, and when each item last changed there. */
  private static final class Region {
    final DynamoDbClient client;
    final Map<String, Map<String, AttributeValue>> seen = new HashMap<>();
    final Map<String, Instant> localWrite = new HashMap<>();

    Region(DynamoDbClient client) {
      this.client = client;
    }
  }

  ReplicationShim(DynamoDbClient a, DynamoDbClient b, List<String> tables, Duration delay) {
    this.a = new Region(a);
    this.b = new Region(b);
    this.tables = List.copyOf(tables);
    this.delay = delay;
  }

  ReplicationShim start() {
    thread.scheduleWithFixedDelay(this::poll, 0, 100, TimeUnit.MILLISECONDS);
    return this;
  }

  private void poll() {
    try {
      for (String table : tables) {
        List<String> keys =
            a.client.describeTable(d -> d.tableName(table)).table().keySchema().stream()
                .map(KeySchemaElement::attributeName)
                .toList();
        look(a, b, table, keys);
        look(b, a, table, keys);
      }
    } catch (RuntimeException e) {
      // a table not made yet in one region, or an instance stopping: the next poll sees it
    }
  }

  /** Finds the local writes in {@code from} and sends each to {@code to} after the delay. */
  private void look(Region from, Region to, String table, List<String> keyNames) {
    Map<String, Map<String, AttributeValue>> now = new HashMap<>();
    for (Map<String, AttributeValue> item :
        from.client.scanPaginator(ScanRequest.builder().tableName(table).build()).items()) {
      now.put(table + "|" + key(item, keyNames), item);
    }
    Instant at = clock.instant();
    for (Map.Entry<String, Map<String, AttributeValue>> e : now.entrySet()) {
      if (!e.getValue().equals(from.seen.get(e.getKey()))) {
        from.seen.put(e.getKey(), e.getValue());
        from.localWrite.put(e.getKey(), at);
        send(to, table, e.getKey(), e.getValue(), keyNames, at);
      }
    }
    for (String k : List.copyOf(from.seen.keySet())) {
      if (k.startsWith(table + "|") && !now.containsKey(k)) {
        Map<String, AttributeValue> gone = from.seen.remove(k);
        from.localWrite.put(k, at);
        Map<String, AttributeValue> key = new HashMap<>();
        keyNames.forEach(n -> key.put(n, gone.get(n)));
        send(to, table, k, null, List.copyOf(key.keySet()), at, key);
      }
    }
  }

  private void send(
      Region to,
      String table,
      String k,
      Map<String, AttributeValue> item,
      List<String> keyNames,
      Instant writtenAt) {
    send(to, table, k, item, keyNames, writtenAt, null);
  }

  private void send(
      Region to,
      String table,
      String k,
      Map<String, AttributeValue> item,
      List<String> keyNames,
      Instant writtenAt,
      Map<String, AttributeValue> deletedKey) {
    thread.schedule(
        () -> {
          Instant theirs = to.localWrite.get(k);
          if (theirs != null && theirs.isAfter(writtenAt)) {
            return; // the other region wrote it later: last writer wins
          }
          try {
            if (item != null) {
              to.client.putItem(p -> p.tableName(table).item(item));
              to.seen.put(k, item);
            } else {
              to.client.deleteItem(d -> d.tableName(table).key(deletedKey));
              to.seen.remove(k);
            }
            copied.incrementAndGet();
          } catch (RuntimeException e) {
            // the region is away: global tables would retry; so does the next local write
          }
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static String key(Map<String, AttributeValue> item, List<String> keyNames) {
    StringBuilder out = new StringBuilder();
    for (String n : keyNames) {
      AttributeValue v = item.get(n);
      out.append(v.s() != null ? v.s() : v.n()).append('|');
    }
    return out.toString();
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
