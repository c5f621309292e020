package io.sluice.cli;

import io.sluice.capture.CapturedTables;
import io.sluice.capture.load.LoadListener;
import io.sluice.checkpoint.ActiveRegion;
import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbActiveRegionStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.control.AdminServer;
import io.sluice.cli.cutover.CutoverService;
import io.sluice.cli.cutover.DirectedControl;
import io.sluice.cli.cutover.Directions;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.RegionConfig;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.RetryLog;
import io.sluice.core.retry.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What {@code sluice run} runs: the pipeline's groups in the direction {@code sluice cutover} left
 * each in ({@link CutoverState}), forward as configured or reversed ({@link Directions}), each
 * direction a {@link Pipeline} of its own. The state is read again every {@link #CHECK_EVERY}; when
 * it moved a group, both directions are stopped (capture's offsets and apply's checkpoints written)
 * and started again as it now says. The admin API belongs to the process, not to a direction, so it
 * keeps answering across the switch, and serves the cutover endpoint.
 */
final class DirectedPipelines implements AutoCloseable, AdminServer.Probes {
  static final Duration CHECK_EVERY = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(DirectedPipelines.class);

  private final PipelineConfig config;
  private final Pipeline.Role role;
  private final List<String> groups;
  private final LoadListener load;
  private final Optional<Path> file;
  private final DynamoDbClient dynamo;
  private final DynamoDbCutoverStore store;
  private final DynamoDbActiveRegionStore regions;
  private final Clock clock = Clock.systemUTC();
  private final List<Pipeline> running = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Assignment assignment;
  private Instant nextCheck;
  private boolean stateUnreadable;
  private boolean regionUnreadable;
  private DirectedControl control;
  private AdminServer admin;
  private CutoverService cutovers;

  /**
   * Which groups this process runs each way.
   *
   * @param standby this process's region is not the active one: it runs nothing
   */
  record Assignment(List<String> forward, List<String> reverse, boolean standby) {
    Assignment(List<String> forward, List<String> reverse) {
      this(forward, reverse, false);
    }

    static Assignment standingBy() {
      return new Assignment(List.of(), List.of(), true);
    }

    static Assignment of(
        PipelineConfig config, CutoverState state, Pipeline.Role role, List<String> only) {
      List<String> f = new ArrayList<>();
      List<String> r = new ArrayList<>();
      for (GroupConfig g : config.groups()) {
        // capture captures every group; apply applies the chosen ones
        boolean mine = role == Pipeline.Role.CAPTURE || only.isEmpty() || only.contains(g.name());
        if (mine && state.isForward(g.name())) {
          f.add(g.name());
        } else if (mine && state.isReversed(g.name())) {
          r.add(g.name());
        }
      }
      return new Assignment(f, r);
    }
  }

  private DirectedPipelines(
      PipelineConfig config,
      Pipeline.Role role,
      List<String> groups,
      LoadListener load,
      Optional<Path> file) {
    this.config = config;
    this.role = role;
    this.groups = List.copyOf(groups);
    this.load = load;
    this.file = file;
    this.dynamo = DynamoDbClients.create(config.dynamoDb());
    StateTables state = new StateTables(config.dynamoDb().tablePrefix());
    this.store = new DynamoDbCutoverStore(dynamo, state, clock);
    this.regions = new DynamoDbActiveRegionStore(dynamo, state, clock);
  }

  /**
   * What this process runs now: nothing while its region is not the active one (whatever its leases
   * say), else each group in the direction the cutover state says.
   */
  private Assignment assignment(CutoverState state) {
    RegionConfig region = config.region();
    if (region.twoRegions()) {
      String active =
          regions.get().map(ActiveRegion::region).orElse(region.primary().orElseThrow());
      if (!active.equals(region.name().orElseThrow())) {
        return Assignment.standingBy();
      }
    }
    return Assignment.of(config, state, role, groups);
  }

  /**
   * Reads the cutover state, prepares and starts each direction that has groups, then serves the
   * admin API. An interrupt while a database is unreachable ends the wait.
   *
   * @param groups the groups to apply (role ALL or APPLY); empty for every group
   */
  static DirectedPipelines start(
      PipelineConfig config,
      Pipeline.Role role,
      List<String> groups,
      LoadListener load,
      Optional<Path> file,
      Runnable prepared)
      throws Exception {
    for (String g : groups) {
      config.group(g);
    }
    DirectedPipelines d = new DirectedPipelines(config, role, groups, load, file);
    try {
      // The state decides what runs, so it is read first; DynamoDB away (or credentials not yet
      // there, as at a pod's start) is waited for like a database that is away.
      Retrier retrier =
          new Retrier(Backoff.DEFAULT, ErrorClassifier::classify, Sleeper.SYSTEM, d.clock);
      Assignment first =
          retrier.call(
              () -> {
                new StateTables(config.dynamoDb().tablePrefix()).ensureExist(d.dynamo);
                return d.assignment(d.store.get());
              },
              new RetryLog(
                  log,
                  "reading the pipeline's state in DynamoDB",
                  ErrorClassifier::describe,
                  d.clock));
      d.startAs(first, prepared);
      d.control = DirectedControl.of(config, d.dynamo, d.clock);
      d.cutovers = new CutoverService(config, d.dynamo, d.clock);
      d.admin = new AdminServer(d.control, config.admin(), d).serving(d.cutovers);
    } catch (Exception | Error e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** One direction, prepared: its source catalog read and its target tables made. */
  private record Prepared(
      PipelineConfig config, CapturedTables tables, List<String> only, Optional<Path> file) {}

  /**
   * Prepares each direction that has groups (waiting for a database that is away; an interrupt ends
   * the wait), tells {@code prepared}, then starts them, which is not interrupted.
   */
  private void startAs(Assignment a, Runnable prepared) throws Exception {
    assignment = a;
    nextCheck = clock.instant().plus(CHECK_EVERY);
    CutoverState state = store.get();
    Optional<PipelineConfig> forward = Directions.forwardNow(config, state);
    Optional<PipelineConfig> reverse = Directions.reverseNow(config, state);
    List<Prepared> ready = new ArrayList<>();
    if (!a.forward().isEmpty() && forward.isPresent()) {
      ready.add(
          prepare(forward.get(), a.forward(), forward.get() == config ? file : Optional.empty()));
    }
    if (!a.reverse().isEmpty() && reverse.isPresent()) {
      log.info(
          "groups {} of pipeline {} run reversed, from its target to its source",
          a.reverse(),
          config.name());
      ready.add(prepare(reverse.get(), a.reverse(), Optional.empty()));
    }
    prepared.run();
    for (Prepared p : ready) {
      running.add(Pipeline.start(p.config(), p.tables(), role, p.only(), load, p.file(), false));
    }
    if (a.standby()) {
      log.info(
          "region {} of pipeline {} stands by: the active region is another",
          config.region().name().orElseThrow(),
          config.name());
    } else if (running.isEmpty()) {
      log.info(
          "no group of pipeline {} runs in this process now (a switch is under way)",
          config.name());
    }
  }

  private Prepared prepare(PipelineConfig direction, List<String> names, Optional<Path> source)
      throws Exception {
    List<String> only = groups.isEmpty() || role == Pipeline.Role.CAPTURE ? List.of() : names;
    return new Prepared(direction, Pipeline.prepare(direction, only), only, source);
  }

  /**
   * Reads the cutover state when it is time to, and switches the directions if it moved a group of
   * this process. A state that cannot be read (DynamoDB out) leaves everything as it runs.
   */
  void check(Runnable prepared) throws Exception {
    if (clock.instant().isBefore(nextCheck)) {
      prepared.run();
      return;
    }
    nextCheck = clock.instant().plus(CHECK_EVERY);
    CutoverState state;
    try {
      state = store.get();
      if (stateUnreadable) {
        log.info("cutover state of pipeline {} readable again", config.name());
        stateUnreadable = false;
      }
    } catch (RuntimeException e) {
      if (!stateUnreadable) {
        log.warn(
            "cannot read the cutover state of pipeline {}, running on as before: {}",
            config.name(),
            ErrorClassifier.describe(e));
        stateUnreadable = true;
      }
      prepared.run();
      return;
    }
    Assignment next;
    try {
      next = assignment(state);
    } catch (RuntimeException e) {
      if (!regionUnreadable) {
        log.warn(
            "cannot read the active region of pipeline {}, running on as before: {}",
            config.name(),
            ErrorClassifier.describe(e));
        regionUnreadable = true;
      }
      prepared.run();
      return;
    }
    if (regionUnreadable) {
      log.info("active region of pipeline {} readable again", config.name());
      regionUnreadable = false;
    }
    if (next.equals(assignment)) {
      prepared.run();
      return;
    }
    log.info(
        "pipeline {}: {}; forward {} -> {}, reversed {} -> {}",
        config.name(),
        next.standby() != assignment.standby()
            ? (next.standby() ? "the active region moved away" : "this region became active")
            : "a cutover moved groups",
        assignment.forward(),
        next.forward(),
        assignment.reverse(),
        next.reverse());
    stopAll();
    startAs(next, prepared);
  }

  /** The directions running now, forward first. */
  List<Pipeline> pipelines() {
    return List.copyOf(running);
  }

  /** The first failure of any part of either direction. */
  Optional<Throwable> failure() {
    return running.stream().map(Pipeline::failure).flatMap(Optional::stream).findFirst();
  }

  int adminPort() {
    return admin.port();
  }

  @Override
  public String scrape() {
    return PrometheusText.merge(running.stream().map(Pipeline::scrape).toList());
  }

  @Override
  public List<String> notReady() {
    List<String> problems = new ArrayList<>();
    running.forEach(p -> problems.addAll(p.notReady()));
    return problems;
  }

  private void stopAll() {
    running.forEach(Pipeline::close);
    running.clear();
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    if (cutovers != null) {
      cutovers.close();
    }
    if (control != null) {
      control.close();
    }
    stopAll();
    dynamo.close();
  }
}
