package io.sluice.cli.cutover;

import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.cli.CatchUp;
import io.sluice.cli.Databases;
import io.sluice.core.Lsn;
import io.sluice.core.config.Durations;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Step 2 of a switch: the writers' grants taken (and kept in DynamoDB to give back), and the proof
 * that writes stopped.
 */
final class CutoverFreeze {
  private final PipelineConfig config;
  private final Clock clock;
  private final Consumer<String> out;
  private final DynamoDbCutoverStore store;

  CutoverFreeze(
      PipelineConfig config, Clock clock, Consumer<String> out, DynamoDbCutoverStore store) {
    this.config = config;
    this.clock = clock;
    this.out = out;
    this.store = store;
  }

  String freeze(CutoverPlan p, Cutover.Request r) throws Exception {
    List<String> notes = new ArrayList<>();
    List<TableId> tables = p.tables();
    if (!config.cutover().revokeWritesFrom().isEmpty()) {
      try (Connection c = Databases.source(p.from)) {
        Map<String, Map<String, String>> fresh = new HashMap<>();
        for (String role : config.cutover().revokeWritesFrom()) {
          Map<String, String> grants = CutoverSql.directWrites(c, role, tables);
          if (!grants.isEmpty()) {
            fresh.put(role, grants);
          }
        }
        // kept before they are taken, so a crash cannot lose what to give back
        keepRevoked(p, r, fresh);
        for (String role : config.cutover().revokeWritesFrom()) {
          CutoverSql.revoke(c, role, fresh.getOrDefault(role, Map.of()));
          List<String> still = CutoverSql.stillWritable(c, role, tables);
          notes.add(
              "revoked "
                  + Cutover.count(fresh.getOrDefault(role, Map.of()).size(), "grant")
                  + " of "
                  + role
                  + (still.isEmpty()
                      ? ""
                      : " (it may still write " + still + " as owner or through another role)"));
        }
      }
    }
    if (r.assumeFrozen()) {
      notes.add("writers taken as stopped (--assume-frozen)");
      return String.join("; ", notes);
    }
    Duration quiet = config.cutover().quiet();
    try (Connection c = Databases.source(p.from);
        FreezeWatch watch = new FreezeWatch(p.from)) {
      awaitCaptured(c, p.from, CatchUp.walInsertPosition(c));
      watch.begin();
      long begin = CatchUp.walInsertPosition(c);
      Instant until = clock.instant().plus(quiet);
      while (clock.instant().isBefore(until)) {
        Thread.sleep(
            Math.max(1, Math.min(500, Duration.between(clock.instant(), until).toMillis())));
      }
      long end = CatchUp.walInsertPosition(c);
      awaitCaptured(c, p.from, end);
      FreezeWatch.Writes w = watch.since(clock, config.cutover().timeout());
      if (w.changes() > 0) {
        throw Cutover.refuse(
            "writes still arriving: "
                + w.changes()
                + " changes to "
                + w.tables()
                + " in the last "
                + Durations.format(quiet)
                + "; stop the application's writers (or list their roles in"
                + " cutover.revoke-writes-from) and run the command again");
      }
      notes.add(
          "no change to the groups' tables for "
              + Durations.format(quiet)
              + " (source WAL "
              + new Lsn(begin)
              + " to "
              + new Lsn(end)
              + ")");
    }
    return String.join("; ", notes);
  }

  /** Waits until capture confirmed the position on its slot: every change before it is in Kafka. */
  private void awaitCaptured(Connection c, PipelineConfig direction, long position)
      throws Exception {
    Instant deadline = clock.instant().plus(config.cutover().timeout());
    while (true) {
      Optional<CutoverSql.Slot> s = CutoverSql.slot(c, direction.source().slot());
      if (s.isPresent() && s.get().confirmed() >= position) {
        return;
      }
      if (clock.instant().isAfter(deadline)) {
        throw Cutover.refuse(
            "capture of "
                + direction.name()
                + " did not confirm source position "
                + new Lsn(position)
                + " on slot "
                + direction.source().slot()
                + " within "
                + Durations.format(config.cutover().timeout())
                + (s.isEmpty() ? " (the slot does not exist)" : ""));
      }
      Thread.sleep(200);
    }
  }

  /** Adds privileges about to be revoked on the current primary to the state. */
  private void keepRevoked(CutoverPlan p, Cutover.Request r, Map<String, Map<String, String>> fresh)
      throws Cutover.Refused {
    if (fresh.isEmpty()) {
      return;
    }
    CutoverState s = store.get();
    Map<String, Map<String, Map<String, String>>> all = new HashMap<>(s.revoked());
    Map<String, Map<String, String>> side = new HashMap<>(all.getOrDefault(p.fromSide, Map.of()));
    fresh.forEach(
        (role, grants) -> {
          Map<String, String> g = new HashMap<>(side.getOrDefault(role, Map.of()));
          g.putAll(grants);
          side.put(role, g);
        });
    all.put(p.fromSide, side);
    CutoverState next =
        new CutoverState(s.reversed(), s.switching(), all, s.lastSwitch(), s.version());
    if (!store.replace(
        s, next, r.by(), "writes of " + fresh.keySet() + " revoked on the " + p.fromSide)) {
      throw Cutover.refuse(
          "the cutover state changed meanwhile (another cutover?): run the command again");
    }
  }

  /**
   * Gives back the write privileges taken on the current primary when the switch was refused before
   * it was recorded: the application keeps writing there.
   */
  void giveBackRevoked(CutoverPlan p, Cutover.Request r) throws Exception {
    CutoverState s = store.get();
    Map<String, Map<String, String>> taken = s.revoked().getOrDefault(p.fromSide, Map.of());
    if (taken.isEmpty() || s.switching().stream().anyMatch(p.groups::contains)) {
      return;
    }
    try (Connection c = Databases.source(p.from)) {
      for (Map.Entry<String, Map<String, String>> e : taken.entrySet()) {
        CutoverSql.grant(c, e.getKey(), e.getValue());
      }
    }
    Map<String, Map<String, Map<String, String>>> all = new HashMap<>(s.revoked());
    all.remove(p.fromSide);
    store.replace(
        s,
        new CutoverState(s.reversed(), s.switching(), all, s.lastSwitch(), s.version()),
        r.by(),
        "writes of " + taken.keySet() + " given back on the " + p.fromSide);
    out.accept("      write privileges given back to " + taken.keySet());
  }
}
