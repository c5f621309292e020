package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.FormatVersion;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Keeps a pipeline's {@link QueryState} as one item of the source offsets table, under the key
 * {@code <pipeline>#query} (no pipeline name holds {@code #}). Every write is conditional on the
 * capture lease: a process that lost it cannot move the state.
 */
public final class DynamoDbQueryStateStore {
  static final int FORMAT_VERSION = 1;

  private final DynamoDbClient client;
  private final StateTables tables;
  private final String pipeline;
  private final Clock clock;

  public DynamoDbQueryStateStore(
      DynamoDbClient client, StateTables tables, String pipeline, Clock clock) {
    this.client = client;
    this.tables = tables;
    this.pipeline = pipeline;
    this.clock = clock;
  }

  /** The stored state; empty before query capture first stored one. */
  public Optional<QueryState> load() {
    GetItemResponse r =
        client.getItem(b -> b.tableName(tables.sourceOffsets()).key(key()).consistentRead(true));
    if (!r.hasItem() || r.item().isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = r.item();
    FormatVersion.require(
        item,
        FORMAT_VERSION,
        "query capture state of " + pipeline + " in " + tables.sourceOffsets());
    Map<String, QueryState.TableState> byTable = new HashMap<>();
    item.get("tables")
        .m()
        .forEach(
            (t, v) -> {
              Map<String, AttributeValue> m = v.m();
              byTable.put(
                  t,
                  new QueryState.TableState(
                      m.get("mode").s(),
                      m.get("column").s(),
                      Optional.ofNullable(m.get("watermark")).map(AttributeValue::s),
                      Optional.ofNullable(m.get("diffed_at")).map(AttributeValue::s)));
            });
    return Optional.of(
        new QueryState(
            Long.parseLong(item.get("reserved").n()),
            Long.parseLong(item.get("completed").n()),
            Long.parseLong(item.get("completed_from_micros").n()),
            byTable));
  }

  /** Stores the state, if {@code lease} is still held; else throws {@link LeaseLostException}. */
  public void save(QueryState state, Lease lease) {
    Map<String, AttributeValue> byTable = new HashMap<>();
    state
        .tables()
        .forEach(
            (t, s) -> {
              Map<String, AttributeValue> m = new HashMap<>();
              m.put("mode", AttributeValue.fromS(s.mode()));
              m.put("column", AttributeValue.fromS(s.column()));
              s.watermark().ifPresent(w -> m.put("watermark", AttributeValue.fromS(w)));
              s.diffedAt().ifPresent(d -> m.put("diffed_at", AttributeValue.fromS(d)));
              byTable.put(t, AttributeValue.fromM(m));
            });
    Map<String, AttributeValue> item = new HashMap<>(key());
    Instant now = clock.instant();
    item.put("format_version", AttributeValue.fromN(Integer.toString(FORMAT_VERSION)));
    item.put("reserved", AttributeValue.fromN(Long.toString(state.reserved())));
    item.put("completed", AttributeValue.fromN(Long.toString(state.completed())));
    item.put(
        "completed_from_micros", AttributeValue.fromN(Long.toString(state.completedFromMicros())));
    item.put("tables", AttributeValue.fromM(byTable));
    item.put("updated_at", AttributeValue.fromS(now.toString()));
    try {
      client.transactWriteItems(
          b ->
              b.transactItems(
                  DynamoDbLeaseStore.fenceCheck(tables.leases(), lease, now),
                  TransactWriteItem.builder()
                      .put(p -> p.tableName(tables.sourceOffsets()).item(item))
                      .build()));
    } catch (TransactionCanceledException e) {
      throw new LeaseLostException(
          "query capture state of pipeline "
              + pipeline
              + " not stored: the capture lease of epoch "
              + lease.epoch()
              + " held by "
              + lease.owner()
              + " expired or passed to another process");
    }
  }

  private Map<String, AttributeValue> key() {
    return Map.of("pipeline", AttributeValue.fromS(pipeline + "#query"));
  }
}
