package io.sluice.checkpoint;

import io.sluice.checkpoint.internal.ControlItem;
import io.sluice.checkpoint.internal.FormatVersion;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The outcome of the latest verification of each group ({@code sluice verify} or the scheduled
 * one), kept in the group control table under {@code verify:<group>} (a group name holds no colon),
 * so {@code sluice cutover} can require the last one clean.
 */
public final class DynamoDbVerifyRecords {
  static final int FORMAT_VERSION = 1;

  private final DynamoDbClient client;
  private final StateTables tables;

  public DynamoDbVerifyRecords(DynamoDbClient client, StateTables tables) {
    this.client = client;
    this.tables = tables;
  }

  /**
   * One group's verification.
   *
   * @param clean every table of the group compared equal
   * @param differences rows missing, extra, different or unsettled, over the group's tables
   * @param problems tables that could not be compared (not reached, say)
   */
  public record Outcome(String group, boolean clean, long differences, long problems, Instant at) {}

  public void record(Outcome o) {
    client.putItem(
        b ->
            b.tableName(tables.groupControl())
                .item(
                    Map.of(
                        "group", AttributeValue.fromS(key(o.group())),
                        "clean", AttributeValue.fromBool(o.clean()),
                        "differences", AttributeValue.fromN(Long.toString(o.differences())),
                        "problems", AttributeValue.fromN(Long.toString(o.problems())),
                        "at", AttributeValue.fromS(o.at().toString()),
                        "format_version", AttributeValue.fromN(Integer.toString(FORMAT_VERSION)))));
  }

  /** The group's latest verification, empty when none was recorded. */
  public Optional<Outcome> last(String group) {
    Optional<Map<String, AttributeValue>> read =
        ControlItem.read(client, tables.groupControl(), key(group));
    if (read.isEmpty()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> item = read.get();
    FormatVersion.require(
        item,
        FORMAT_VERSION,
        "verification record of group " + group + " in " + tables.groupControl());
    return Optional.of(
        new Outcome(
            group,
            item.get("clean").bool(),
            Long.parseLong(item.get("differences").n()),
            Long.parseLong(item.get("problems").n()),
            Instant.parse(item.get("at").s())));
  }

  private static String key(String group) {
    return "verify:" + group;
  }
}
