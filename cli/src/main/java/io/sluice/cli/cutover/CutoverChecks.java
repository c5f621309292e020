package io.sluice.cli.cutover;

import io.sluice.checkpoint.DynamoDbVerifyRecords;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.control.ControlView;
import io.sluice.cli.control.GroupView;
import io.sluice.core.config.Durations;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Step 1 of a switch, and the plan a dry run prints: nothing here changes anything. */
final class CutoverChecks {
  private final PipelineConfig config;
  private final DynamoDbClient dynamo;
  private final Clock clock;

  CutoverChecks(PipelineConfig config, DynamoDbClient dynamo, Clock clock) {
    this.config = config;
    this.dynamo = dynamo;
    this.clock = clock;
  }

  String preconditions(CutoverPlan p) throws Exception {
    Duration maxLag = config.cutover().maxLag();
    List<String> problems = new ArrayList<>();
    double worstLag = 0;
    try (ControlView view = ControlView.of(p.from, dynamo, clock)) {
      String capture = view.capture().state();
      if (!capture.equals("RUNNING")) {
        problems.add("capture of " + p.from.name() + " is " + capture + ", not RUNNING");
      }
      for (String g : p.groups) {
        GroupView v = view.group(g).orElseThrow();
        if (!v.desired().equals("RUNNING") || !v.actual().equals("RUNNING")) {
          problems.add("group " + g + " is " + v.actual() + " (desired " + v.desired() + ")");
        }
        for (GroupView.Partition part : v.partitions()) {
          // A partition with nothing waiting is caught up, however old its last applied commit:
          // on a quiet source that is the last heartbeat's, seconds ago.
          double lag = part.lagEvents() == 0 ? 0 : part.lagSeconds();
          if (lag < 0) {
            problems.add("group " + g + " partition " + part.partition() + " lag unknown");
          } else if (lag > maxLag.toMillis() / 1e3) {
            problems.add(
                String.format(
                    java.util.Locale.ROOT,
                    "group %s partition %d is %.1f s behind (%d changes waiting), over"
                        + " cutover.max-lag %s",
                    g,
                    part.partition(),
                    lag,
                    part.lagEvents(),
                    Durations.format(maxLag)));
          }
          worstLag = Math.max(worstLag, lag);
        }
      }
    }
    DynamoDbVerifyRecords verified =
        new DynamoDbVerifyRecords(dynamo, new StateTables(p.from.dynamoDb().tablePrefix()));
    Instant oldest = Instant.MAX;
    for (String g : p.groups) {
      Optional<DynamoDbVerifyRecords.Outcome> last = verified.last(g);
      if (last.isEmpty()) {
        problems.add(
            "group "
                + g
                + " was never verified: run sluice verify --group "
                + g
                + " (or set verify.interval)");
      } else if (!last.get().clean()) {
        problems.add(
            "the last verification of group "
                + g
                + " ("
                + last.get().at()
                + ") found "
                + last.get().differences()
                + " differing rows and "
                + last.get().problems()
                + " tables not compared: repair with sluice verify --repair --group "
                + g);
      } else if (last.get().at().isBefore(oldest)) {
        oldest = last.get().at();
      }
    }
    if (!problems.isEmpty()) {
      throw Cutover.refuse(String.join("; ", problems));
    }
    return String.format(
        java.util.Locale.ROOT,
        "%s running, lag %.1f s (at most %s), last verified clean %s",
        Cutover.count(p.groups.size(), "group"),
        worstLag,
        Durations.format(maxLag),
        oldest);
  }

  String plan(CutoverPlan p) throws Exception {
    long backlog = 0;
    double lag = 0;
    try (ControlView view = ControlView.of(p.from, dynamo, clock)) {
      for (String g : p.groups) {
        for (GroupView.Partition part : view.group(g).orElseThrow().partitions()) {
          backlog += part.lagEvents();
          lag = Math.max(lag, part.lagEvents() == 0 ? 0 : part.lagSeconds());
        }
      }
    }
    List<TableId> tables = p.tables();
    List<String> revoke = config.cutover().revokeWritesFrom();
    return String.join(
        "\n",
        "plan (nothing was changed):",
        "  2 freeze: "
            + (revoke.isEmpty() ? "" : "revoke writes of " + revoke + " on the old primary; ")
            + "wait "
            + Durations.format(config.cutover().quiet())
            + " for no captured change to "
            + tables.size()
            + " tables",
        String.format(
            java.util.Locale.ROOT,
            "  3 drain %d changes waiting in Kafka (lag %.1f s; expect about as long once writers"
                + " stop), then verify %d tables",
            backlog,
            lag,
            tables.size()),
        "  4 carry the sequences of these tables"
            + (config.sequences().include().isEmpty() ? "" : " and " + config.sequences().include())
            + " to the new primary, plus "
            + config.sequences().margin(),
        "  5 record the switch in DynamoDB, stop "
            + p.from.name()
            + " for "
            + p.groups
            + ", make the new primary writable",
        "  6 start "
            + p.to.name()
            + " from a new slot "
            + p.to.source().slot()
            + " on the new primary");
  }
}
