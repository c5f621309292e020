package io.sluice.cli.cutover;

import io.sluice.apply.TargetWriter;
import io.sluice.capture.sequences.SequenceSync;
import io.sluice.capture.sequences.SequenceValue;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.capture.verify.VerifyText;
import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.DynamoDbVerifyRecords;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.CatchUp;
import io.sluice.cli.Databases;
import io.sluice.core.Lsn;
import io.sluice.core.config.Durations;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  private final CutoverChecks checks;
  private final CutoverFreeze freeze;
  private final CutoverFlip flip;

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
    this.checks = new CutoverChecks(config, dynamo, clock);
    this.freeze = new CutoverFreeze(config, clock, out, store);
    this.flip = new CutoverFlip(config, dynamo, clock, out, store);
  }

  public Outcome run(Request r) throws Exception {
    List<String> groups = groups(r.groups());
    CutoverPlan p = new CutoverPlan(config, groups, r.rollback());
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

  private Outcome switchOver(Request r, CutoverPlan p) throws Exception {
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
        step(6, "reverse", r, () -> flip.awaitRunning(p));
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
      step(5, "flip", r, () -> flip.flip(p, w, r));
      step(6, "reverse", r, () -> flip.reverse(p, r));
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
    step(1, "preconditions", r, () -> checks.preconditions(p));
    if (r.dryRun()) {
      out.accept(checks.plan(p));
      return Outcome.PLANNED;
    }
    try {
      step(2, "freeze", r, () -> freeze.freeze(p, r));
      long finalPosition;
      try (Connection c = Databases.source(p.from)) {
        finalPosition = CatchUp.walInsertPosition(c);
      }
      step(3, "drain and verify", r, () -> drainAndVerify(p, finalPosition));
      step(4, "sequences", r, () -> sequences(p));
      CutoverState.Switch w =
          new CutoverState.Switch(
              r.rollback(), p.groups, r.by(), clock.instant(), finalPosition, 0);
      step(5, "flip", r, () -> flip.record(p, w) + "; " + flip.flip(p, w, r));
    } catch (Refused e) {
      freeze.giveBackRevoked(p, r);
      throw e;
    }
    step(6, "reverse", r, () -> flip.reverse(p, r));
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

  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  static Refused refuse(String message) {
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

  // 3. drain and verify ---------------------------------------------------------------------

  private String drainAndVerify(CutoverPlan p, long finalPosition) throws Exception {
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

  private String sequences(CutoverPlan p) throws Exception {
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
}
