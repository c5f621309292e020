package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.FormatVersion;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Initial load progress in DynamoDB: a plan item (table {@value #PLAN}, chunk 0) with the load's
 * position, its chunk count, where its stream starts in each topic partition and whether it
 * finished, and one item per chunk with its bounds and, once copied, its rows. The plan item is
 * written last when a load starts, so a plan without it is no plan; every write of progress carries
 * the capture lease check.
 */
public final class DynamoDbLoadProgressStore implements LoadProgressStore {
  /** The plan item's table key: not a table name, which always holds a dot. */
  static final String PLAN = ":plan";

  private static final int FORMAT_VERSION = 1;
  private static final int BATCH = 25;

  private final DynamoDbClient client;
  private final String table;
  private final String leases;
  private final Clock clock;

  /**
   * @param clock the clock leases expire on, as the lease store's
   */
  public DynamoDbLoadProgressStore(DynamoDbClient client, StateTables tables, Clock clock) {
    this.client = client;
    this.table = tables.loadProgress();
    this.leases = tables.leases();
    this.clock = clock;
  }

  @Override
  public Optional<LoadPlan> plan() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(items::add);
    Map<String, AttributeValue> head =
        items.stream().filter(i -> PLAN.equals(i.get("table").s())).findFirst().orElse(null);
    if (head == null) {
      return Optional.empty();
    }
    FormatVersion.require(head, FORMAT_VERSION, "load plan in " + table);
    int expected = Integer.parseInt(head.get("chunks").n());
    // chunks written by an extension the plan item does not count yet are not part of it
    List<Map<String, AttributeValue>> chunkItems =
        items.stream()
            .filter(i -> !PLAN.equals(i.get("table").s()))
            .filter(i -> Long.parseLong(i.get("plan_order").n()) < expected)
            .sorted(Comparator.comparingLong(i -> Long.parseLong(i.get("plan_order").n())))
            .toList();
    List<LoadChunk> chunks = new ArrayList<>();
    Map<String, Long> copied = new HashMap<>();
    for (Map<String, AttributeValue> item : chunkItems) {
      FormatVersion.require(
          item,
          FORMAT_VERSION,
          "load chunk " + item.get("table").s() + "#" + item.get("chunk").n() + " in " + table);
      LoadChunk chunk = chunk(item);
      chunks.add(chunk);
      if (item.containsKey("rows")) {
        copied.put(chunk.id(), Long.parseLong(item.get("rows").n()));
      }
    }
    if (chunks.size() != expected) {
      throw new IllegalStateException(
          "load plan in "
              + table
              + " names "
              + expected
              + " chunks but "
              + chunks.size()
              + " are stored");
    }
    Map<String, Long> streamStart = new HashMap<>();
    head.getOrDefault("stream_start", AttributeValue.fromM(Map.of()))
        .m()
        .forEach((k, v) -> streamStart.put(k, Long.parseLong(v.n())));
    return Optional.of(
        new LoadPlan(
            Long.parseLong(head.get("position").n()),
            chunks,
            copied,
            head.get("finished").bool(),
            streamStart));
  }

  private static LoadChunk chunk(Map<String, AttributeValue> item) {
    return new LoadChunk(
        item.get("table").s(),
        Integer.parseInt(item.get("chunk").n()),
        text(item, "key_column"),
        text(item, "lower"),
        text(item, "upper"),
        Long.parseLong(item.get("estimated_rows").n()));
  }

  private static Optional<String> text(Map<String, AttributeValue> item, String name) {
    return Optional.ofNullable(item.get(name)).map(AttributeValue::s);
  }

  @Override
  public void start(LoadPlan plan, Lease lease) {
    clear();
    String now = clock.instant().toString();
    write(chunkItems(plan.chunks(), 0));
    Map<String, AttributeValue> head = new HashMap<>(key(PLAN, 0));
    head.put("position", number(plan.position()));
    head.put("chunks", number(plan.chunks().size()));
    head.put("finished", AttributeValue.fromBool(false));
    Map<String, AttributeValue> start = new HashMap<>();
    plan.streamStart().forEach((k, v) -> start.put(k, number(v)));
    head.put("stream_start", AttributeValue.fromM(start));
    head.put("format_version", number(FORMAT_VERSION));
    head.put("updated_at", AttributeValue.fromS(now));
    fenced(
        TransactWriteItem.builder().put(b -> b.tableName(table).item(head)).build(),
        lease,
        "the load plan");
  }

  @Override
  public void extend(List<LoadChunk> chunks, Lease lease) {
    LoadPlan plan =
        plan().orElseThrow(() -> new IllegalStateException("no load plan to extend in " + table));
    write(chunkItems(chunks, plan.chunks().size()));
    fenced(
        TransactWriteItem.builder()
            .update(
                b ->
                    b.tableName(table)
                        .key(key(PLAN, 0))
                        .updateExpression("SET chunks = :n, finished = :f, updated_at = :now")
                        .conditionExpression("chunks = :old")
                        .expressionAttributeValues(
                            Map.of(
                                ":n",
                                number(plan.chunks().size() + chunks.size()),
                                ":old",
                                number(plan.chunks().size()),
                                ":f",
                                AttributeValue.fromBool(false),
                                ":now",
                                AttributeValue.fromS(clock.instant().toString()))))
            .build(),
        lease,
        "the load plan's new chunks");
  }

  @Override
  public void copied(LoadChunk chunk, long rows, Lease lease) {
    fenced(
        TransactWriteItem.builder()
            .update(
                b ->
                    b.tableName(table)
                        .key(key(chunk.table(), chunk.index()))
                        .updateExpression("SET #r = :rows, updated_at = :now")
                        .conditionExpression("attribute_exists(#t)")
                        .expressionAttributeNames(Map.of("#r", "rows", "#t", "table"))
                        .expressionAttributeValues(
                            Map.of(
                                ":rows",
                                number(rows),
                                ":now",
                                AttributeValue.fromS(clock.instant().toString()))))
            .build(),
        lease,
        "load chunk " + chunk.id());
  }

  @Override
  public void finish(Lease lease) {
    fenced(
        TransactWriteItem.builder()
            .update(
                b ->
                    b.tableName(table)
                        .key(key(PLAN, 0))
                        .updateExpression("SET finished = :t, updated_at = :now")
                        .conditionExpression("attribute_exists(#t)")
                        .expressionAttributeNames(Map.of("#t", "table"))
                        .expressionAttributeValues(
                            Map.of(
                                ":t",
                                AttributeValue.fromBool(true),
                                ":now",
                                AttributeValue.fromS(clock.instant().toString()))))
            .build(),
        lease,
        "the end of the load");
  }

  /** The items of chunks, numbered in plan order from {@code firstOrder}. */
  private List<WriteRequest> chunkItems(List<LoadChunk> chunks, int firstOrder) {
    String now = clock.instant().toString();
    List<WriteRequest> puts = new ArrayList<>();
    int order = firstOrder;
    for (LoadChunk c : chunks) {
      Map<String, AttributeValue> item = new HashMap<>(key(c.table(), c.index()));
      c.keyColumn().ifPresent(k -> item.put("key_column", AttributeValue.fromS(k)));
      c.lower().ifPresent(v -> item.put("lower", AttributeValue.fromS(v)));
      c.upper().ifPresent(v -> item.put("upper", AttributeValue.fromS(v)));
      item.put("estimated_rows", number(c.estimatedRows()));
      item.put("plan_order", number(order++));
      item.put("format_version", number(FORMAT_VERSION));
      item.put("updated_at", AttributeValue.fromS(now));
      puts.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
    }
    return puts;
  }

  /** Removes every item: the plan item first, so a half-removed plan is no plan. */
  private void clear() {
    client.deleteItem(b -> b.tableName(table).key(key(PLAN, 0)));
    List<WriteRequest> deletes = new ArrayList<>();
    client
        .scanPaginator(b -> b.tableName(table).consistentRead(true))
        .items()
        .forEach(
            i ->
                deletes.add(
                    WriteRequest.builder()
                        .deleteRequest(
                            d ->
                                d.key(
                                    key(i.get("table").s(), Integer.parseInt(i.get("chunk").n()))))
                        .build()));
    write(deletes);
  }

  private void write(List<WriteRequest> requests) {
    for (int i = 0; i < requests.size(); i += BATCH) {
      Map<String, List<WriteRequest>> pending =
          Map.of(table, requests.subList(i, Math.min(requests.size(), i + BATCH)));
      while (!pending.isEmpty()) {
        Map<String, List<WriteRequest>> batch = pending;
        pending = client.batchWriteItem(b -> b.requestItems(batch)).unprocessedItems();
      }
    }
  }

  private void fenced(TransactWriteItem write, Lease lease, String what) {
    Instant now = clock.instant();
    try {
      client.transactWriteItems(
          b -> b.transactItems(DynamoDbLeaseStore.fenceCheck(leases, lease, now), write));
    } catch (TransactionCanceledException e) {
      List<CancellationReason> reasons = e.cancellationReasons();
      if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
        throw new LeaseLostException(
            what
                + " not recorded: the capture lease of epoch "
                + lease.epoch()
                + " held by "
                + lease.owner()
                + " is no longer held");
      }
      throw e;
    }
  }

  private static Map<String, AttributeValue> key(String tableName, int chunk) {
    return Map.of("table", AttributeValue.fromS(tableName), "chunk", number(chunk));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
