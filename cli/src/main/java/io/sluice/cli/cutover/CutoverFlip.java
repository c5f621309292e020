package io.sluice.cli.cutover;

import io.sluice.capture.SourcePublication;
import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.Databases;
import io.sluice.cli.control.ControlView;
import io.sluice.core.Lsn;
import io.sluice.core.config.Durations;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Steps 5 and 6 of a switch: recorded, the old direction stopped, the databases' roles changed, and
 * the new direction started from a slot made while nothing writes the new primary. Every statement
 * may run again.
 */
final class CutoverFlip {
  private final PipelineConfig config;
  private final DynamoDbClient dynamo;
  private final Clock clock;
  private final Consumer<String> out;
  private final DynamoDbCutoverStore store;

  CutoverFlip(
      PipelineConfig config,
      DynamoDbClient dynamo,
      Clock clock,
      Consumer<String> out,
      DynamoDbCutoverStore store) {
    this.config = config;
    this.dynamo = dynamo;
    this.clock = clock;
    this.out = out;
    this.store = store;
  }

  /** Records the switch: from here on the old direction is stopped for the groups. */
  String record(CutoverPlan p, CutoverState.Switch w) throws Cutover.Refused {
    CutoverState s = store.get();
    Set<String> switching = new HashSet<>(s.switching());
    switching.addAll(p.groups);
    CutoverState next =
        new CutoverState(s.reversed(), switching, s.revoked(), Optional.of(w), s.version());
    if (!store.replace(
        s,
        next,
        w.by(),
        (w.rollback() ? "rollback" : "cutover") + " of " + p.groups + " recorded")) {
      throw Cutover.refuse(
          "the cutover state changed meanwhile (another cutover?): run the command again");
    }
    out.accept("      switch recorded in DynamoDB; " + p.from.name() + " stops for " + p.groups);
    return "recorded by " + w.by() + ", final position " + new Lsn(w.finalPosition());
  }

  /**
   * Waits until the old direction stopped capturing the groups, then makes the new primary writable
   * and the old primary a target. Every statement may run again.
   */
  String flip(CutoverPlan p, CutoverState.Switch w, Cutover.Request r) throws Exception {
    List<TableId> tables = p.tables();
    CutoverState s = store.get();
    boolean othersRemain = othersRun(p, s, !p.rollback);
    String stopped;
    try (Connection c = Databases.source(p.from)) {
      Instant deadline = clock.instant().plus(config.cutover().timeout());
      while (true) {
        Optional<CutoverSql.Slot> slot = CutoverSql.slot(c, p.from.source().slot());
        boolean done =
            othersRemain
                ? SourcePublication.tables(c, p.from.source().publication()).stream()
                    .noneMatch(tables::contains)
                : slot.isEmpty() || !slot.get().active();
        if (done) {
          if (!othersRemain && slot.isPresent()) {
            // nothing reads it any more, and it would hold the old primary's WAL forever
            CutoverSql.dropSlot(c, p.from.source().slot());
            stopped = "slot " + p.from.source().slot() + " dropped";
          } else {
            stopped = othersRemain ? "tables left its publication" : "its slot is gone";
          }
          break;
        }
        if (clock.instant().isAfter(deadline)) {
          throw Cutover.refuse(
              p.from.name()
                  + " still captures the groups after "
                  + Durations.format(config.cutover().timeout())
                  + " (slot "
                  + p.from.source().slot()
                  + " active): is every sluice process of the pipeline running and on a version"
                  + " that follows cutovers? The switch is recorded: run the command again to"
                  + " finish it");
        }
        Thread.sleep(200);
      }
    }
    out.accept("      " + p.from.name() + " stopped for " + p.groups + " (" + stopped + ")");
    Map<TableId, Map<String, String>> identities;
    try (Connection oldPrimary = Databases.source(p.from)) {
      identities = CutoverSql.identities(oldPrimary, tables);
    }
    try (Connection newPrimary = Databases.source(p.to)) {
      CutoverSql.positionDefaults(newPrimary, tables);
      for (Map.Entry<TableId, Map<String, String>> t : identities.entrySet()) {
        for (Map.Entry<String, String> col : t.getValue().entrySet()) {
          if (col.getValue().equals("a")) {
            CutoverSql.identityKind(newPrimary, t.getKey(), col.getKey(), true);
          }
        }
      }
      Map<String, Map<String, String>> back = s.revoked().getOrDefault(p.toSide, Map.of());
      for (Map.Entry<String, Map<String, String>> e : back.entrySet()) {
        CutoverSql.grant(newPrimary, e.getKey(), e.getValue());
      }
      if (!back.isEmpty()) {
        out.accept("      write privileges of " + back.keySet() + " given back on the new primary");
      }
    }
    try (Connection oldPrimary = Databases.source(p.from)) {
      CutoverSql.addPositionColumn(oldPrimary, tables);
      for (Map.Entry<TableId, Map<String, String>> t : identities.entrySet()) {
        for (String col : t.getValue().keySet()) {
          CutoverSql.identityKind(oldPrimary, t.getKey(), col, false);
        }
      }
    }
    return "new primary takes writes; old primary ready to be written by " + p.to.name();
  }

  /** Whether a group outside the switch runs forward (or reversed): its slot is in use. */
  private boolean othersRun(CutoverPlan p, CutoverState s, boolean forward) {
    return config.groups().stream()
        .map(GroupConfig::name)
        .filter(g -> !p.groups.contains(g))
        .anyMatch(g -> forward ? s.isForward(g) : s.isReversed(g));
  }

  /** Starts the new direction from a slot made now, while nothing writes the new primary. */
  String reverse(CutoverPlan p, Cutover.Request r) throws Exception {
    CutoverState s = store.get();
    boolean othersRun = othersRun(p, s, p.rollback);
    long start = 0;
    String how;
    StateTables toTables = new StateTables(p.to.dynamoDb().tablePrefix());
    toTables.ensureExist(dynamo);
    if (othersRun) {
      // its capture runs for other groups on its slot: the groups join it there (a table it
      // never copied is copied once, as a table that joins a group is)
      how = "the groups join the capture " + p.to.name() + " runs for its other groups";
    } else {
      try (Connection c = Databases.source(p.to)) {
        SourcePublication.ensure(c, p.to.source().publication(), p.tables());
        // a slot left by an interrupted run was made while nothing wrote: made again, it is too
        CutoverSql.dropSlot(c, p.to.source().slot());
        start = CutoverSql.createSlot(c, p.to.source().slot());
      }
      DynamoDbOffsetBackingStore.startStreamingAt(
          dynamo, toTables, p.to.name(), start, clock.instant());
      how = "slot " + p.to.source().slot() + " made at " + new Lsn(start);
    }
    Set<String> reversed = new HashSet<>(s.reversed());
    if (p.rollback) {
      p.groups.forEach(reversed::remove);
    } else {
      reversed.addAll(p.groups);
    }
    Set<String> switching = new HashSet<>(s.switching());
    p.groups.forEach(switching::remove);
    Map<String, Map<String, Map<String, String>>> revoked = new HashMap<>(s.revoked());
    revoked.remove(p.toSide); // given back at the flip
    long started = start;
    CutoverState next =
        new CutoverState(
            reversed,
            switching,
            revoked,
            s.lastSwitch()
                .map(
                    w ->
                        new CutoverState.Switch(
                            w.rollback(), w.groups(), w.by(), w.at(), w.finalPosition(), started)),
            s.version());
    if (!store.replace(
        s,
        next,
        r.by(),
        (p.rollback ? "rollback" : "cutover") + " of " + p.groups + " switched: " + how)) {
      throw Cutover.refuse(
          "the cutover state changed meanwhile (another cutover?): run the command again");
    }
    out.accept("      " + how + "; " + p.to.name() + " starts for " + p.groups);
    return awaitRunning(p);
  }

  /** Waits until the new direction captures and applies every group. */
  String awaitRunning(CutoverPlan p) throws Exception {
    Instant deadline = clock.instant().plus(config.cutover().timeout());
    try (ControlView view = ControlView.of(p.to, dynamo, clock)) {
      while (true) {
        List<String> waiting = new ArrayList<>();
        String capture = view.capture().state();
        if (!capture.equals("RUNNING")) {
          waiting.add("capture is " + capture); // its topics may not exist yet
        }
        for (String g : waiting.isEmpty() ? p.groups : List.<String>of()) {
          String actual = view.group(g).orElseThrow().actual();
          if (!actual.equals("RUNNING")) {
            waiting.add("group " + g + " is " + actual);
          }
        }
        if (waiting.isEmpty()) {
          return p.to.name() + " captures and applies " + p.groups;
        }
        if (clock.instant().isAfter(deadline)) {
          throw Cutover.refuse(
              p.to.name()
                  + " did not start within "
                  + Durations.format(config.cutover().timeout())
                  + ": "
                  + String.join(", ", waiting)
                  + "; the switch is done and recorded, see sluice ctl status and the processes'"
                  + " logs");
        }
        Thread.sleep(500);
      }
    }
  }
}
