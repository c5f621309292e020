package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.AuditedPut;
import io.sluice.checkpoint.internal.FormatVersion;
import io.sluice.checkpoint.internal.GroupItems;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Group control state in DynamoDB: the desired state per group, changed together with its audit
 * record in one transaction conditional on the version read (so two operators cannot both change it
 * from the same state), and the workers' reports of their actual state.
 */
public final class DynamoDbGroupControlStore implements GroupControlStore {
  static final int FORMAT_VERSION = 1;
  private static final int ATTEMPTS = 5;

  private final DynamoDbClient client;
  private final StateTables tables;
  private final Clock clock;

  public DynamoDbGroupControlStore(DynamoDbClient client, StateTables tables, Clock clock) {
    this.client = client;
    this.tables = tables;
    this.clock = clock;
  }

  @Override
  public GroupControl get(String group) {
    Map<String, AttributeValue> item =
        client
            .getItem(
                b ->
                    b.tableName(tables.groupControl())
                        .key(Map.of("group", AttributeValue.fromS(group)))
                        .consistentRead(true))
            .item();
    if (item == null || item.isEmpty()) {
      return GroupControl.initial(group);
    }
    FormatVersion.require(
        item, FORMAT_VERSION, "control state of group " + group + " in " + tables.groupControl());
    return new GroupControl(
        group,
        DesiredState.valueOf(item.get("desired").s()),
        item.get("reason").s(),
        item.get("changed_by").s(),
        Instant.parse(item.get("changed_at").s()),
        Long.parseLong(item.get("version").n()));
  }

  @Override
  public boolean set(String group, DesiredState desired, String reason, String by) {
    for (int attempt = 1; ; attempt++) {
      GroupControl current = get(group);
      if (current.desired() == desired) {
        return false;
      }
      Instant now = clock.instant();
      Map<String, AttributeValue> control = new HashMap<>();
      control.put("group", AttributeValue.fromS(group));
      control.put("desired", AttributeValue.fromS(desired.name()));
      control.put("reason", AttributeValue.fromS(reason));
      control.put("changed_by", AttributeValue.fromS(by));
      control.put("changed_at", AttributeValue.fromS(now.toString()));
      control.put("version", number(current.version() + 1));
      control.put("format_version", number(FORMAT_VERSION));
      Map<String, AttributeValue> audit = new HashMap<>();
      audit.put("group", AttributeValue.fromS(group));
      // unique even for two changes in one millisecond, and in time order
      audit.put("at", AttributeValue.fromS(now + "#" + UUID.randomUUID()));
      audit.put("from_state", AttributeValue.fromS(current.desired().name()));
      audit.put("to_state", AttributeValue.fromS(desired.name()));
      audit.put("reason", AttributeValue.fromS(reason));
      audit.put("changed_by", AttributeValue.fromS(by));
      audit.put("version", number(current.version() + 1));
      audit.put("format_version", number(FORMAT_VERSION));
      if (AuditedPut.put(
          client, tables.groupControl(), control, current.version(), tables.audit(), audit)) {
        return true;
      }
      if (attempt == ATTEMPTS) {
        throw new IllegalStateException(
            "the control state of group " + group + " kept changing under " + ATTEMPTS + " tries");
      }
      // another change came first: read it and decide again
    }
  }

  @Override
  public List<AuditRecord> audit(String group, int limit) {
    QueryResponse r =
        client.query(
            b ->
                b.tableName(tables.audit())
                    .consistentRead(true)
                    .keyConditionExpression("#g = :g")
                    .expressionAttributeNames(Map.of("#g", "group"))
                    .expressionAttributeValues(Map.of(":g", AttributeValue.fromS(group)))
                    .scanIndexForward(false)
                    .limit(limit));
    List<AuditRecord> out = new ArrayList<>();
    for (Map<String, AttributeValue> item : r.items()) {
      FormatVersion.require(
          item, FORMAT_VERSION, "audit record of group " + group + " in " + tables.audit());
      String at = item.get("at").s();
      out.add(
          new AuditRecord(
              group,
              Instant.parse(at.substring(0, at.indexOf('#'))),
              DesiredState.valueOf(item.get("from_state").s()),
              DesiredState.valueOf(item.get("to_state").s()),
              item.get("reason").s(),
              item.get("changed_by").s()));
    }
    return out;
  }

  @Override
  public void report(WorkerStatus s) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("group", AttributeValue.fromS(s.group()));
    item.put("worker", AttributeValue.fromS(s.worker()));
    item.put("state", AttributeValue.fromS(s.state().name()));
    item.put(
        "partitions", AttributeValue.fromL(s.partitions().stream().map(p -> number(p)).toList()));
    Map<String, AttributeValue> applied = new HashMap<>();
    s.appliedSourceMicros().forEach((p, us) -> applied.put(Integer.toString(p), number(us)));
    item.put("applied_source_us", AttributeValue.fromM(applied));
    item.put("last_error", AttributeValue.fromS(s.lastError()));
    item.put("reported_at", AttributeValue.fromS(s.reportedAt().toString()));
    item.put("format_version", number(FORMAT_VERSION));
    client.putItem(b -> b.tableName(tables.workers()).item(item));
  }

  @Override
  public List<WorkerStatus> workers(String group) {
    List<WorkerStatus> out = new ArrayList<>();
    for (Map<String, AttributeValue> item : GroupItems.of(client, tables.workers(), group)) {
      String worker = item.get("worker").s();
      FormatVersion.require(
          item,
          FORMAT_VERSION,
          "status of worker " + worker + " of group " + group + " in " + tables.workers());
      out.add(
          new WorkerStatus(
              group,
              worker,
              WorkerStatus.ActualState.valueOf(item.get("state").s()),
              item.get("partitions").l().stream().map(v -> Integer.parseInt(v.n())).toList(),
              appliedSource(item.get("applied_source_us").m()),
              item.get("last_error").s(),
              Instant.parse(item.get("reported_at").s())));
    }
    return out;
  }

  private static Map<Integer, Long> appliedSource(Map<String, AttributeValue> m) {
    Map<Integer, Long> out = new HashMap<>();
    m.forEach((p, us) -> out.put(Integer.parseInt(p), Long.parseLong(us.n())));
    return out;
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
