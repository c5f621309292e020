package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.AuditedPut;
import io.sluice.checkpoint.internal.ControlItem;
import io.sluice.checkpoint.internal.FormatVersion;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The pipeline's {@link CutoverState} in DynamoDB: one item of the group control table (key {@value
 * #KEY}), replaced only conditionally on the version read, together with an audit record of the
 * step that changed it, so two cutovers of one pipeline cannot both act on the same state. Every
 * step of a cutover is audited (who, when, what), under the same key in the audit table.
 */
public final class DynamoDbCutoverStore {
  /** The item's key in the group control table: not a group name, which cannot hold a colon. */
  public static final String KEY = ":cutover";

  static final int FORMAT_VERSION = 1;

  private final DynamoDbClient client;
  private final StateTables tables;
  private final Clock clock;

  public DynamoDbCutoverStore(DynamoDbClient client, StateTables tables, Clock clock) {
    this.client = client;
    this.tables = tables;
    this.clock = clock;
  }

  /** One audited step of a cutover. */
  public record Event(Instant at, String by, String event) {}

  public CutoverState get() {
    Optional<Map<String, AttributeValue>> read =
        ControlItem.read(client, tables.groupControl(), KEY);
    if (read.isEmpty()) {
      return CutoverState.initial();
    }
    Map<String, AttributeValue> item = read.get();
    FormatVersion.require(item, FORMAT_VERSION, "cutover state in " + tables.groupControl());
    Map<String, Map<String, Map<String, String>>> revoked = new HashMap<>();
    item.getOrDefault("revoked", AttributeValue.fromM(Map.of()))
        .m()
        .forEach(
            (side, roles) -> {
              Map<String, Map<String, String>> r = new HashMap<>();
              roles
                  .m()
                  .forEach(
                      (role, grants) -> {
                        Map<String, String> g = new HashMap<>();
                        grants.m().forEach((table, privileges) -> g.put(table, privileges.s()));
                        r.put(role, g);
                      });
              revoked.put(side, r);
            });
    Optional<CutoverState.Switch> last =
        Optional.ofNullable(item.get("last_switch"))
            .map(AttributeValue::m)
            .map(
                m ->
                    new CutoverState.Switch(
                        m.get("rollback").bool(),
                        strings(m.get("groups")).stream().sorted().toList(),
                        m.get("by").s(),
                        Instant.parse(m.get("at").s()),
                        Long.parseLong(m.get("final_position").n()),
                        Long.parseLong(m.get("start_position").n())));
    return new CutoverState(
        strings(item.get("reversed")),
        strings(item.get("switching")),
        revoked,
        last,
        Long.parseLong(item.get("version").n()));
  }

  /**
   * Replaces {@code current} with {@code next} (its version is ignored: the stored one becomes
   * {@code current.version() + 1}) and audits {@code event}, in one transaction that holds only if
   * the stored state is still {@code current}.
   *
   * @return false when another change came first: read the state again and decide again
   */
  public boolean replace(CutoverState current, CutoverState next, String by, String event) {
    long version = current.version() + 1;
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("group", AttributeValue.fromS(KEY));
    item.put("reversed", stringList(next.reversed()));
    item.put("switching", stringList(next.switching()));
    Map<String, AttributeValue> revoked = new HashMap<>();
    next.revoked()
        .forEach(
            (side, roles) -> {
              Map<String, AttributeValue> r = new HashMap<>();
              roles.forEach(
                  (role, grants) -> {
                    Map<String, AttributeValue> g = new HashMap<>();
                    grants.forEach(
                        (table, privileges) -> g.put(table, AttributeValue.fromS(privileges)));
                    r.put(role, AttributeValue.fromM(g));
                  });
              revoked.put(side, AttributeValue.fromM(r));
            });
    item.put("revoked", AttributeValue.fromM(revoked));
    next.lastSwitch()
        .ifPresent(
            s ->
                item.put(
                    "last_switch",
                    AttributeValue.fromM(
                        Map.of(
                            "rollback", AttributeValue.fromBool(s.rollback()),
                            "groups", stringList(Set.copyOf(s.groups())),
                            "by", AttributeValue.fromS(s.by()),
                            "at", AttributeValue.fromS(s.at().toString()),
                            "final_position", number(s.finalPosition()),
                            "start_position", number(s.startPosition())))));
    item.put("version", number(version));
    item.put("format_version", number(FORMAT_VERSION));
    return AuditedPut.put(
        client,
        tables.groupControl(),
        item,
        current.version(),
        tables.audit(),
        auditItem(by, event));
  }

  /** Records a step of a cutover that changed no state (a check passed or refused, say). */
  public void audit(String by, String event) {
    client.putItem(b -> b.tableName(tables.audit()).item(auditItem(by, event)));
  }

  /** The newest audited steps, newest first. */
  public List<Event> events(int limit) {
    QueryResponse r =
        client.query(
            b ->
                b.tableName(tables.audit())
                    .consistentRead(true)
                    .keyConditionExpression("#g = :g")
                    .expressionAttributeNames(Map.of("#g", "group"))
                    .expressionAttributeValues(Map.of(":g", AttributeValue.fromS(KEY)))
                    .scanIndexForward(false)
                    .limit(limit));
    List<Event> out = new ArrayList<>();
    for (Map<String, AttributeValue> item : r.items()) {
      FormatVersion.require(item, FORMAT_VERSION, "cutover audit record in " + tables.audit());
      String at = item.get("at").s();
      out.add(
          new Event(
              Instant.parse(at.substring(0, at.indexOf('#'))),
              item.get("changed_by").s(),
              item.get("event").s()));
    }
    return out;
  }

  private Map<String, AttributeValue> auditItem(String by, String event) {
    Map<String, AttributeValue> audit = new HashMap<>();
    audit.put("group", AttributeValue.fromS(KEY));
    // unique even for two steps in one millisecond, and in time order
    audit.put("at", AttributeValue.fromS(clock.instant() + "#" + UUID.randomUUID()));
    audit.put("event", AttributeValue.fromS(event));
    audit.put("changed_by", AttributeValue.fromS(by));
    audit.put("format_version", number(FORMAT_VERSION));
    return audit;
  }

  private static Set<String> strings(AttributeValue v) {
    return v == null || !v.hasL()
        ? Set.of()
        : v.l().stream().map(AttributeValue::s).collect(Collectors.toSet());
  }

  private static AttributeValue stringList(Set<String> values) {
    return AttributeValue.fromL(values.stream().sorted().map(AttributeValue::fromS).toList());
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
