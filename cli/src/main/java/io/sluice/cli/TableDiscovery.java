package io.sluice.cli;

import io.sluice.capture.CaptureSingleton;
import io.sluice.capture.CapturedTables;
import io.sluice.capture.SourceCatalog;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds tables that join or leave a running pipeline's groups, every {@code
 * capture.table-discovery-interval}: the configuration file read again (a ConfigMap updated in
 * place) and the source catalog resolved again (a table created under a group's pattern). When the
 * captured tables differ, the target tables are prepared and capture takes them in ({@link
 * CaptureSingleton#recapture}); apply of every group keeps running.
 *
 * <p>Only the groups' tables, key columns and excluded columns are taken from a changed file; any
 * other change is logged as needing a restart, and the file is not taken in until it is undone or
 * the process restarts.
 */
final class TableDiscovery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TableDiscovery.class);

  private final Optional<Path> file;
  private final CaptureSingleton capture;
  private final ScheduledExecutorService timer;
  private PipelineConfig running;
  private String refused = "";

  private TableDiscovery(PipelineConfig config, Optional<Path> file, CaptureSingleton capture) {
    this.running = config;
    this.file = file;
    this.capture = capture;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-table-discovery-" + config.name());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts looking, unless the interval is zero (then returns empty). */
  static Optional<TableDiscovery> start(
      PipelineConfig config, Optional<Path> file, CaptureSingleton capture) {
    Duration every = config.capture().tableDiscoveryInterval();
    if (every.isZero()) {
      return Optional.empty();
    }
    TableDiscovery d = new TableDiscovery(config, file, capture);
    d.timer.scheduleWithFixedDelay(
        d::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    return Optional.of(d);
  }

  private void checkQuietly() {
    try {
      check();
    } catch (Exception e) {
      // the source or target away: the next round looks again
      log.warn(
          "looking for tables that joined pipeline {} failed: {}",
          running.name(),
          ErrorClassifier.describe(e));
    }
  }

  /** One round: returns whether capture was given a new set of tables. */
  synchronized boolean check() throws Exception {
    PipelineConfig next = file.map(this::reread).orElse(running);
    CapturedTables found;
    try (Connection source = Databases.source(next)) {
      found = SourceCatalog.resolve(source, next);
    }
    Map<TableId, String> now = byGroup(capture.tables());
    Map<TableId, String> then = byGroup(found);
    if (now.equals(then) && next.equals(running)) {
      return false;
    }
    CapturedTables prepared = PipelinePreparation.prepare(next);
    List<TableId> joined =
        then.keySet().stream().filter(t -> !now.containsKey(t)).sorted().toList();
    List<TableId> left = now.keySet().stream().filter(t -> !then.containsKey(t)).sorted().toList();
    log.info(
        "pipeline {}: tables joined {}, left {}; capture starts again with them",
        next.name(),
        joined,
        left);
    capture.recapture(next, prepared);
    running = next;
    return true;
  }

  /** The file as it is now, if only what can be taken in while running changed. */
  private PipelineConfig reread(Path path) {
    PipelineConfig candidate;
    try {
      candidate = PipelineConfigs.load(path);
    } catch (RuntimeException e) {
      refuse(path, "it does not load: " + e.getMessage());
      return running;
    }
    List<String> beyond = beyondTables(running, candidate);
    if (!beyond.isEmpty()) {
      refuse(path, "it changes " + String.join(", ", beyond) + ", which needs a restart");
      return running;
    }
    refused = "";
    return candidate;
  }

  private void refuse(Path path, String why) {
    if (!why.equals(refused)) {
      refused = why;
      log.warn("configuration file {} changed, not taken in: {}", path, why);
    }
  }

  /**
   * What differs between two configurations beyond the groups' tables, key columns, excluded
   * columns and query capture modes, by setting; empty when nothing else does.
   */
  static List<String> beyondTables(PipelineConfig was, PipelineConfig is) {
    List<String> out = new ArrayList<>();
    List<String> wasGroups = was.groups().stream().map(GroupConfig::name).toList();
    List<String> isGroups = is.groups().stream().map(GroupConfig::name).toList();
    if (!wasGroups.equals(isGroups)) {
      out.add("the groups (" + wasGroups + " to " + isGroups + ")");
      return out;
    }
    for (int i = 0; i < was.groups().size(); i++) {
      GroupConfig a = was.groups().get(i);
      GroupConfig b = is.groups().get(i);
      GroupConfig bWithOldTables =
          new GroupConfig(
              b.name(),
              a.tables(),
              b.partitions(),
              b.truncate(),
              b.onBadData(),
              a.keyColumns(),
              a.excludeColumns(),
              b.alertLag(),
              b.alertPaused(),
              b.verifyInterval(),
              a.query());
      if (!bWithOldTables.equals(a)) {
        out.add("group " + a.name() + " beyond its tables");
      }
    }
    PipelineConfig isWithOldGroups =
        new PipelineConfig(
            is.name(),
            is.source(),
            is.target(),
            is.kafka(),
            is.dynamoDb(),
            is.capture(),
            is.apply(),
            is.admin(),
            is.alerts(),
            was.groups(),
            is.verify(),
            is.sequences(),
            is.cutover(),
            is.region());
    if (!isWithOldGroups.equals(was)) {
      out.add("settings outside the groups");
    }
    return out;
  }

  private static Map<TableId, String> byGroup(CapturedTables tables) {
    return tables.groups().entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().toString(), (a, b) -> a, TreeMap::new));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
