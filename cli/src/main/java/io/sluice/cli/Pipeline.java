package io.sluice.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.apply.ApplyWorker;
import io.sluice.capture.CaptureMetrics;
import io.sluice.capture.CaptureSingleton;
import io.sluice.capture.CapturedTables;
import io.sluice.capture.load.LoadListener;
import io.sluice.checkpoint.ControlPlane;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbGroupControlStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.control.AdminServer;
import io.sluice.cli.control.ControlView;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Capture and one apply worker per group in one process: checks the source catalog, prepares the
 * target tables and state tables, then starts capture and the workers.
 */
public final class Pipeline implements AutoCloseable, AdminServer.Probes {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private final PipelineConfig config;
  private final PrometheusMeterRegistry meters;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final CapturedTables tables;
  private final DynamoDbClient dynamo;
  private final CaptureSingleton capture;
  private final List<ApplyWorker> workers = new ArrayList<>();
  private ControlView control;
  private AdminServer admin;
  private Optional<TableDiscovery> discovery = Optional.empty();
  private Optional<ScheduledVerify> verify = Optional.empty();
  private Optional<ScheduledSequences> sequences = Optional.empty();

  /** What a process of a pipeline runs. */
  enum Role {
    /** capture and every group's apply: one process for the whole pipeline */
    ALL,
    /** capture only (one leads, others stand by) */
    CAPTURE,
    /** apply of the chosen groups only */
    APPLY
  }

  private Pipeline(
      PipelineConfig config,
      CapturedTables tables,
      DynamoDbClient dynamo,
      boolean capture,
      String workerId) {
    this.config = config;
    this.tables = tables;
    this.dynamo = dynamo;
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters
        .config()
        .commonTags("pipeline", config.name())
        // Named against Prometheus conventions (promtool check metrics): an abbreviated unit and
        // a gauge ending in _count. CPU usage and uptime stay.
        .meterFilter(
            MeterFilter.deny(
                id ->
                    id.getName().equals("process.cpu.time")
                        || id.getName().equals("system.cpu.count")));
    new JvmMemoryMetrics().bindTo(meters);
    gcMetrics.bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    this.capture =
        capture
            ? CaptureSingleton.underDynamoDbLease(
                config,
                tables,
                dynamo,
                workerId,
                new CaptureMetrics(meters, Clock.systemUTC()),
                Clock.systemUTC())
            : null;
  }

  /** Starts every role of the pipeline in this process, as {@code sluice run} does. */
  public static Pipeline start(PipelineConfig config) throws Exception {
    return start(config, Role.ALL, List.of());
  }

  /**
   * @param groups the groups to apply (role ALL or APPLY); empty for every group
   */
  static Pipeline start(PipelineConfig config, Role role, List<String> groups) throws Exception {
    return start(config, role, groups, LoadListener.NONE);
  }

  /**
   * @param load hears how a copy load goes (a terminal's progress bar)
   */
  static Pipeline start(PipelineConfig config, Role role, List<String> groups, LoadListener load)
      throws Exception {
    return start(config, role, groups, load, Optional.empty());
  }

  /**
   * @param file the configuration file, read again for tables that join the groups (see {@link
   *     TableDiscovery}); empty when the configuration came from elsewhere
   */
  static Pipeline start(
      PipelineConfig config,
      Role role,
      List<String> groups,
      LoadListener load,
      Optional<java.nio.file.Path> file)
      throws Exception {
    return start(config, prepare(config, groups), role, groups, load, file);
  }

  /**
   * Checks the groups named and prepares the pipeline: reads the source catalog and creates the
   * target tables, retrying while either database cannot be reached. Nothing runs yet; an interrupt
   * ends the wait.
   *
   * @param groups the groups to apply; empty for every group
   */
  static CapturedTables prepare(PipelineConfig config, List<String> groups) throws Exception {
    for (String g : groups) {
      config.group(g);
    }
    return PipelinePreparation.prepare(config);
  }

  /** Starts a pipeline {@link #prepare} prepared, serving the admin API. */
  static Pipeline start(
      PipelineConfig config,
      CapturedTables tables,
      Role role,
      List<String> groups,
      LoadListener load,
      Optional<java.nio.file.Path> file)
      throws Exception {
    return start(config, tables, role, groups, load, file, true);
  }

  /**
   * @param serveAdmin whether this pipeline serves the admin API, or its process does for it (with
   *     both directions of a cut-over pipeline)
   */
  static Pipeline start(
      PipelineConfig config,
      CapturedTables tables,
      Role role,
      List<String> groups,
      LoadListener load,
      Optional<java.nio.file.Path> file,
      boolean serveAdmin)
      throws Exception {
    DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb());
    StateTables state = new StateTables(config.dynamoDb().tablePrefix());
    state.ensureExist(dynamo);
    String workerId = ControlPlane.defaultWorkerId();
    Pipeline p = new Pipeline(config, tables, dynamo, role != Role.APPLY, workerId);
    try {
      if (p.capture != null) {
        p.capture
            .reportingTo(new DynamoDbGroupControlStore(dynamo, state, Clock.systemUTC()))
            .loadListener(load);
        p.capture.start();
        p.discovery = TableDiscovery.start(config, file, p.capture);
        p.verify =
            ScheduledVerify.start(
                config,
                p.capture,
                new io.sluice.checkpoint.DynamoDbApplyCheckpointStore(dynamo, state),
                new io.sluice.checkpoint.DynamoDbVerifyRecords(dynamo, state),
                p.meters,
                Clock.systemUTC());
        p.sequences = ScheduledSequences.start(config, p.capture, p.meters, Clock.systemUTC());
      }
      if (role != Role.CAPTURE) {
        for (GroupConfig g : config.groups()) {
          if (!groups.isEmpty() && !groups.contains(g.name())) {
            continue;
          }
          ApplyWorker w =
              new ApplyWorker(
                  config,
                  g,
                  ControlPlane.dynamoDb(dynamo, state, config.apply(), workerId),
                  p.meters);
          w.start();
          p.workers.add(w);
        }
      }
      if (serveAdmin) {
        p.control = ControlView.of(config, dynamo, Clock.systemUTC());
        p.admin = new AdminServer(p.control, config.admin(), p);
      }
    } catch (Exception | Error e) {
      p.close();
      throw e;
    }
    return p;
  }

  @Override
  public String scrape() {
    return meters.scrape();
  }

  @Override
  public List<String> notReady() {
    List<String> problems = new ArrayList<>();
    if (capture != null) {
      capture.notReady().ifPresent(problems::add);
    }
    for (ApplyWorker w : workers) {
      w.notReady().ifPresent(problems::add);
    }
    return problems;
  }

  /** The meters of this process, as its admin API exports them: capture's, apply's, the JVM's. */
  public MeterRegistry meters() {
    return meters;
  }

  /** The port of this process's admin API. */
  int adminPort() {
    return admin.port();
  }

  PipelineConfig config() {
    return config;
  }

  CapturedTables tables() {
    return tables;
  }

  /** Capture in this process; empty for an apply-only process. */
  Optional<CaptureSingleton> capture() {
    return Optional.ofNullable(capture);
  }

  List<ApplyWorker> workers() {
    return workers;
  }

  /** The first failure of capture or any worker, if one stopped on its own. */
  public Optional<Throwable> failure() {
    Optional<Throwable> f = capture == null ? Optional.empty() : capture.failure();
    for (ApplyWorker w : workers) {
      if (f.isPresent()) {
        break;
      }
      f = w.failure();
    }
    return f;
  }

  @Override
  public void close() {
    discovery.ifPresent(TableDiscovery::close);
    verify.ifPresent(ScheduledVerify::close);
    sequences.ifPresent(ScheduledSequences::close);
    if (admin != null) {
      admin.close();
      control.close();
    }
    if (capture != null) {
      capture.close();
    }
    for (ApplyWorker w : workers) {
      w.close();
    }
    dynamo.close();
    gcMetrics.close();
    meters.close();
  }
}
