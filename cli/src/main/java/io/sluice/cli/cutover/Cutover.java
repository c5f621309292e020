package io.sluice.cli.cutover;

import io.sluice.apply.TargetWriter;
import io.sluice.capture.SourceCatalog;
import io.sluice.capture.SourcePublication;
import io.sluice.capture.sequences.SequenceSync;
import io.sluice.capture.sequences.SequenceValue;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.capture.verify.VerifyText;
import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.DynamoDbVerifyRecords;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.CatchUp;
import io.sluice.cli.Databases;
import io.sluice.cli.control.ControlView;
import io.sluice.cli.control.GroupView;
import io.sluice.core.Lsn;
import io.sluice.core.config.Durations;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Moves the application's database from one side of a pipeline to the other, in six named steps,
 * each printed with its outcome and time, each refusing to go on when its check fails:
 *
 * <ol>
 *   <li><b>preconditions</b>: every group running, apply lag under {@code cutover.max-lag}, the
 *       last verification clean;
 *   <li><b>freeze</b>: the writers are stopped, proven by no captured change to the groups' tables
 *       for {@code cutover.quiet} (or taken on the operator's word); write privileges of {@code
 *       cutover.revoke-writes-from} revoked first;
 *   <li><b>drain and verify</b> to the old primary's final position, every table compared;
 *   <li><b>sequences</b> carried with a margin;
 *   <li><b>flip</b>: the switch recorded in DynamoDB, the old direction stopped for the groups, the
 *       new primary made writable and the old one made a target;
 *   <li><b>reverse</b>: the new direction started from a slot made on the new primary while nothing
 *       writes it, so it carries only what the application writes from then on and nothing loops
 *       back.
 * </ol>
 *
 * Before the flip, a refusal leaves everything as it was (revoked privileges are given back). From
 * the flip on, the state in DynamoDB says a switch is under way; running the command again finishes
 * it, whatever step a crash interrupted. A rollback is the same in the other direction.
 */
public final class Cutover {
  private static final int STEPS = 6;

  private final PipelineConfig config;
  private final DynamoDbClient dynamo;
  private final Clock clock;
  private final Consumer<String> out;
  private final DynamoDbCutoverStore store;

  /**
   * @param groups the groups to switch; empty for every group
   * @param rollback switch back: from the configured target to the configured source
   * @param dryRun run the checks that change nothing and print the plan
   * @param assumeFrozen take the operator's word that writers stopped (no quiet interval)
   * @param by who asked, for the audit records
   */
  public record Request(
      List<String> groups, boolean rollback, boolean dryRun, boolean assumeFrozen, String by) {
    public Request {
      groups = List.copyOf(groups);
    }
  }

  /** How a run ended. */
  public enum Outcome {
    /** The groups switched direction. */
    SWITCHED,
    /** They had switched already (by an earlier run); the new direction runs. */
    ALREADY,
    /** A dry run: the checks passed and the plan was printed. */
    PLANNED,
    /** A check failed; nothing was switched (or a switch under way is left to be finished). */
    REFUSED
  }

  /** A check that failed, with what to do about it. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  public Cutover(PipelineConfig config, DynamoDbClient dynamo, Clock clock, Consumer<String> out) {
    this.config = config;
    this.dynamo = dynamo;
    this.clock = clock;
    this.out = out;
    StateTables tables = new StateTables(config.dynamoDb().tablePrefix());
    tables.ensureExist(dynamo);
    this.store = new DynamoDbCutoverStore(dynamo, tables, clock);
  }

  public Outcome run(Request r) throws Exception {
    List<String> groups = groups(r.groups());
    Plan p = new Plan(config, groups, r.rollback());
    out.accept(
        (r.dryRun() ? "dry run of " : "")
            + (r.rollback() ? "rollback" : "cutover")
            + " of pipeline "
            + config.name()
            + ", groups "
            + groups
            + ": the application moves from "
            + p.describe(p.from.source().host(), p.from.source().port(), p.from.source().database())
            + " to "
            + p.describe(p.to.source().host(), p.to.source().port(), p.to.source().database()));
    try {
      return switchOver(r, p);
    } catch (Refused e) {
      return Outcome.REFUSED;
    }
  }

  private Outcome switchOver(Request r, Plan p) throws Exception {
    CutoverState s = store.get();
    Set<String> g = new TreeSet<>(p.groups);
    boolean done = g.stream().allMatch(x -> r.rollback() ? s.isForward(x) : s.isReversed(x));
    if (done && s.switching().stream().noneMatch(g::contains)) {
      out.accept(
          "already "
              + (r.rollback() ? "rolled back" : "cut over")
              + s.lastSwitch().map(w -> " (by " + w.by() + " at " + w.at() + ")").orElse("")
              + "; checking that the new direction runs");
      if (!r.dryRun()) {
        step(6, "reverse", r, () -> awaitRunning(p));
      }
      return Outcome.ALREADY;
    }
    Optional<CutoverState.Switch> under = s.lastSwitch().filter(w -> !s.switching().isEmpty());
    if (under.isPresent()) {
      CutoverState.Switch w = under.get();
      if (w.rollback() != r.rollback() || !new TreeSet<>(w.groups()).equals(g)) {
        throw refuse(
            "a "
                + (w.rollback() ? "rollback" : "cutover")
                + " of groups "
                + w.groups()
                + " begun by "
                + w.by()
                + " at "
                + w.at()
                + " is under way: finish it first with sluice cutover"
                + (w.rollback() ? " --rollback" : "")
                + w.groups().stream().map(x -> " --group " + x).reduce("", String::concat));
      }
      if (r.dryRun()) {
        out.accept("a switch of these groups is under way; running the command again finishes it");
        return Outcome.PLANNED;
      }
      out.accept(
          "finishing the switch begun by "
              + w.by()
              + " at "
              + w.at()
              + " (steps 1 to 4 passed then; the old direction is stopped)");
      step(5, "flip", r, () -> flip(p, w, r));
      step(6, "reverse", r, () -> reverse(p, r));
      return Outcome.SWITCHED;
    }
    for (String x : g) {
      boolean from = r.rollback() ? s.isReversed(x) : s.isForward(x);
      if (!from) {
        throw refuse(
            "group "
                + x
                + (r.rollback()
                    ? " was never cut over: nothing to roll back"
                    : " is cut over already"));
      }
    }
    step(1, "preconditions", r, () -> preconditions(p));
    if (r.dryRun()) {
      out.accept(plan(p));
      return Outcome.PLANNED;
    }
    try {
      step(2, "freeze", r, () -> freeze(p, r));
      long finalPosition;
      try (Connection c = Databases.source(p.from)) {
        finalPosition = CatchUp.walInsertPosition(c);
      }
      step(3, "drain and verify", r, () -> drainAndVerify(p, finalPosition));
      step(4, "sequences", r, () -> sequences(p));
      CutoverState.Switch w =
          new CutoverState.Switch(
              r.rollback(), p.groups, r.by(), clock.instant(), finalPosition, 0);
      step(5, "flip", r, () -> record(p, w) + "; " + flip(p, w, r));
    } catch (Refused e) {
      giveBackRevoked(p, r);
      throw e;
    }
    step(6, "reverse", r, () -> reverse(p, r));
    out.accept(
        (r.rollback() ? "rolled back" : "cut over")
            + ": point the application at "
            + p.describe(p.to.source().host(), p.to.source().port(), p.to.source().database())
            + "; "
            + (r.rollback()
                ? "the pipeline carries its changes to the target again"
                : "the reverse pipeline keeps the old primary current until you roll back"
                    + " (sluice cutover --rollback) or retire it"));
    return Outcome.SWITCHED;
  }

  /** The two directions of a switch and the groups' tables. */
  private static final class Plan {
    final List<String> groups;
    final boolean rollback;

    /** The direction running now: its source is the current primary. */
    final PipelineConfig from;

    /** The direction after the switch: its source is the new primary. */
    final PipelineConfig to;

    /** The configured side of the current primary and of the new one. */
    final String fromSide;

    final String toSide;
    List<TableId> tables;

    Plan(PipelineConfig config, List<String> groups, boolean rollback) {
      this.groups = groups;
      this.rollback = rollback;
      this.from =
          rollback ? Directions.reverse(config, groups) : Directions.forward(config, groups);
      this.to = rollback ? Directions.forward(config, groups) : Directions.reverse(config, groups);
      this.fromSide = rollback ? "target" : "source";
      this.toSide = rollback ? "source" : "target";
    }

    String describe(String host, int port, String database) {
      return database + " on " + host + ":" + port;
    }

    List<TableId> tables() throws Exception {
      if (tables == null) {
        try (Connection c = Databases.source(from)) {
          tables = SourceCatalog.resolve(c, from).ids();
        }
      }
      return tables;
    }
  }

  private interface Body {
    String run() throws Exception;
  }

  private void step(int n, String name, Request r, Body body) throws Exception {
    out.accept("[" + n + "/" + STEPS + "] " + name);
    Instant start = clock.instant();
    try {
      String result = body.run();
      out.accept("      ok in " + seconds(start) + ": " + result);
      if (!r.dryRun()) {
        store.audit(r.by(), name + " ok: " + result);
      }
    } catch (Refused e) {
      out.accept("      refused after " + seconds(start) + ": " + e.getMessage());
      store.audit(r.by(), name + " refused: " + e.getMessage());
      throw e;
    }
  }

  private String seconds(Instant start) {
    return String.format(
        java.util.Locale.ROOT, "%.1f s", Duration.between(start, clock.instant()).toMillis() / 1e3);
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static Refused refuse(String message) {
    return new Refused(message);
  }

  private List<String> groups(List<String> asked) {
    if (asked.isEmpty()) {
      return config.groups().stream().map(GroupConfig::name).toList();
    }
    for (String g : asked) {
      config.group(g); // names the unknown group
    }
    return List.copyOf(new TreeSet<>(asked));
  }

  // 1. preconditions ------------------------------------------------------------------------

  private String preconditions(Plan p) throws Exception {
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
      throw refuse(String.join("; ", problems));
    }
    return String.format(
        java.util.Locale.ROOT,
        "%s running, lag %.1f s (at most %s), last verified clean %s",
        count(p.groups.size(), "group"),
        worstLag,
        Durations.format(maxLag),
        oldest);
  }

  private String plan(Plan p) throws Exception {
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

  // 2. freeze -------------------------------------------------------------------------------

  private String freeze(Plan p, Request r) throws Exception {
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
                  + count(fresh.getOrDefault(role, Map.of()).size(), "grant")
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
        throw refuse(
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
        throw refuse(
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
  private void keepRevoked(Plan p, Request r, Map<String, Map<String, String>> fresh)
      throws Refused {
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
      throw refuse("the cutover state changed meanwhile (another cutover?): run the command again");
    }
  }

  /**
   * Gives back the write privileges taken on the current primary when the switch was refused before
   * it was recorded: the application keeps writing there.
   */
  private void giveBackRevoked(Plan p, Request r) throws Exception {
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

  // 3. drain and verify ---------------------------------------------------------------------

  private String drainAndVerify(Plan p, long finalPosition) throws Exception {
    Instant start = clock.instant();
    if (!new CatchUp(p.from, dynamo)
        .await(finalPosition, config.cutover().timeout(), () -> false)) {
      throw refuse(
          "the groups did not apply everything up to "
              + new Lsn(finalPosition)
              + " within "
              + Durations.format(config.cutover().timeout())
              + ": see sluice ctl status");
    }
    Duration drained = Duration.between(start, clock.instant());
    Verifier verifier =
        new Verifier(
            p.from,
            new DynamoDbApplyCheckpointStore(
                dynamo, new StateTables(p.from.dynamoDb().tablePrefix())),
            () -> new TargetWriter()::write,
            clock);
    VerifyReport report =
        verifier.run(
            new VerifyOptions(
                Optional.empty(),
                Optional.empty(),
                config.verify().chunkRows(),
                10,
                config.verify().deadline(),
                false),
            line -> {});
    io.sluice.cli.VerifyOutcomes.record(
        new DynamoDbVerifyRecords(dynamo, new StateTables(p.from.dynamoDb().tablePrefix())),
        report,
        clock.instant());
    if (!report.matches()) {
      out.accept(VerifyText.report(report).stripTrailing());
      throw refuse(
          "the new primary differs from the old one (report above): nothing was switched; repair"
              + " with sluice verify --repair, then run the command again");
    }
    return String.format(
        java.util.Locale.ROOT,
        "applied up to %s in %.1f s; %s, %,d rows match",
        new Lsn(finalPosition),
        drained.toMillis() / 1e3,
        count(report.tables().size(), "table"),
        report.rows());
  }

  // 4. sequences ----------------------------------------------------------------------------

  private String sequences(Plan p) throws Exception {
    List<SequenceValue> carried;
    try (Connection from = Databases.source(p.from);
        Connection to = Databases.target(p.from)) {
      carried =
          SequenceSync.carry(
              from, to, p.tables(), config.sequences().include(), config.sequences().margin());
    }
    long created = carried.stream().filter(SequenceValue::created).count();
    return count(carried.size(), "sequence")
        + " set on the new primary to the old one's value plus "
        + config.sequences().margin()
        + (created == 0 ? "" : " (" + created + " created)");
  }

  // 5. flip ---------------------------------------------------------------------------------

  /** Records the switch: from here on the old direction is stopped for the groups. */
  private String record(Plan p, CutoverState.Switch w) throws Refused {
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
      throw refuse("the cutover state changed meanwhile (another cutover?): run the command again");
    }
    out.accept("      switch recorded in DynamoDB; " + p.from.name() + " stops for " + p.groups);
    return "recorded by " + w.by() + ", final position " + new Lsn(w.finalPosition());
  }

  /**
   * Waits until the old direction stopped capturing the groups, then makes the new primary writable
   * and the old primary a target. Every statement may run again.
   */
  private String flip(Plan p, CutoverState.Switch w, Request r) throws Exception {
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
          throw refuse(
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
  private boolean othersRun(Plan p, CutoverState s, boolean forward) {
    return config.groups().stream()
        .map(GroupConfig::name)
        .filter(g -> !p.groups.contains(g))
        .anyMatch(g -> forward ? s.isForward(g) : s.isReversed(g));
  }

  // 6. reverse ------------------------------------------------------------------------------

  /** Starts the new direction from a slot made now, while nothing writes the new primary. */
  private String reverse(Plan p, Request r) throws Exception {
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
      throw refuse("the cutover state changed meanwhile (another cutover?): run the command again");
    }
    out.accept("      " + how + "; " + p.to.name() + " starts for " + p.groups);
    return awaitRunning(p);
  }

  /** Waits until the new direction captures and applies every group. */
  private String awaitRunning(Plan p) throws Exception {
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
          throw refuse(
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
