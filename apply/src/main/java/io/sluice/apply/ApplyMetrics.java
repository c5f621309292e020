package io.sluice.apply;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.core.MetricNames;
import io.sluice.core.error.ErrorClass;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one group's apply worker: the group's gauges (paused, halted, leases, retention,
 * dead letters, alert thresholds), a lag gauge per table and a lag and backlog gauge per owned
 * partition, and the counters and timer the partitions add to. The twin of capture's {@code
 * CaptureMetrics}. A worker's meters are removed when it closes, so a worker started later in the
 * same process registers its own. Thread-safe.
 */
public final class ApplyMetrics {
  private static final Duration[] BATCH_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  /** What the group's gauges read from the worker. */
  public interface Group {
    boolean paused();

    double pausedSeconds();

    boolean halted();

    /** Partitions whose lease the worker holds. */
    int leases();

    double retentionSeconds();

    double deadLetterRecords();

    /**
     * Seconds since the source commit up to which the partition is applied; NaN when the worker
     * does not apply it.
     */
    double lagSeconds(int partition);

    /** Changes in the partition past its checkpoint. */
    long backlog(int partition);
  }

  /** The thresholds the group's alerts compare with. */
  public record Thresholds(Duration lagWarning, Duration lagCritical, Duration paused) {}

  private final MeterRegistry registry;
  private final String group;
  private final List<Meter> groupMeters = new ArrayList<>();
  private final Map<TableId, Set<Integer>> tablePartitions = new ConcurrentHashMap<>();
  private final Map<Integer, List<Meter>> partitionMeters = new HashMap<>();
  private final Map<EventKey, Counter> events = new ConcurrentHashMap<>();
  private Group source;

  private record EventKey(TableId table, Op op) {}

  public ApplyMetrics(MeterRegistry registry, String group) {
    this.registry = registry;
    this.group = group;
  }

  /** Registers the group's gauges, read from {@code source}. */
  public synchronized void bind(
      Group source, int partitions, Thresholds thresholds, boolean deadLetters) {
    this.source = source;
    groupMeters.add(
        Gauge.builder(MetricNames.APPLY_PAUSED, source, s -> s.paused() ? 1 : 0)
            .description("1 while the group is paused, else 0")
            .tag("group", group)
            .register(registry));
    groupMeters.add(
        Gauge.builder(MetricNames.APPLY_PAUSED_DURATION, source, Group::pausedSeconds)
            .description("Seconds the group has been paused, 0 while it runs")
            .baseUnit("seconds")
            .tag("group", group)
            .register(registry));
    groupMeters.add(
        constant(
            Gauge.builder(MetricNames.APPLY_PAUSED_THRESHOLD, thresholds, t -> seconds(t.paused()))
                .description("Seconds the group may stay paused before its alert fires")
                .baseUnit("seconds")));
    Map<String, Duration> lag =
        Map.of("warning", thresholds.lagWarning(), "critical", thresholds.lagCritical());
    lag.forEach(
        (severity, threshold) ->
            groupMeters.add(
                constant(
                    Gauge.builder(MetricNames.APPLY_LAG_THRESHOLD, threshold, ApplyMetrics::seconds)
                        .description("Lag past which the group's alert of this severity fires")
                        .baseUnit("seconds")
                        .tag("severity", severity))));
    groupMeters.add(
        Gauge.builder(MetricNames.APPLY_HALTED, source, s -> s.halted() ? 1 : 0)
            .description("1 once the group's worker in this process stopped on an error")
            .tag("group", group)
            .register(registry));
    groupMeters.add(
        constant(
            Gauge.builder(MetricNames.APPLY_PARTITIONS, partitions, p -> p)
                .description("Partitions of the group's topic")));
    groupMeters.add(
        Gauge.builder(MetricNames.APPLY_RETENTION, source, Group::retentionSeconds)
            .description("Seconds Kafka keeps the group's changes (+Inf: unlimited)")
            .baseUnit("seconds")
            .tag("group", group)
            .register(registry));
    if (deadLetters) {
      groupMeters.add(
          Gauge.builder(MetricNames.APPLY_DEAD_LETTER_RECORDS, source, Group::deadLetterRecords)
              .description("Records held in the group's dead-letter topic")
              .tag("group", group)
              .register(registry));
    }
    groupMeters.add(
        Gauge.builder(MetricNames.APPLY_LEASES, source, Group::leases)
            .description("Partitions of the group whose lease this worker holds")
            .tag("group", group)
            .register(registry));
  }

  private Meter constant(Gauge.Builder<?> builder) {
    return builder.tag("group", group).strongReference(true).register(registry);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /** A partition committed changes of these tables: each table gets its lag gauge once. */
  public void carried(int partition, Set<TableId> tables) {
    for (TableId t : tables) {
      Set<Integer> carriers = tablePartitions.get(t);
      if (carriers == null) {
        carriers = ConcurrentHashMap.newKeySet();
        Set<Integer> raced = tablePartitions.putIfAbsent(t, carriers);
        if (raced == null) {
          registerTableLag(t);
        } else {
          carriers = raced;
        }
      }
      carriers.add(partition);
    }
  }

  private void registerTableLag(TableId table) {
    Meter m =
        Gauge.builder(MetricNames.APPLY_TABLE_LAG, this, w -> w.tableLagSeconds(table))
            .description(
                "Seconds since the source commit up to which the table's partitions are applied")
            .baseUnit("seconds")
            .tag("group", group)
            .tag("table", table.toString())
            .register(registry);
    synchronized (this) {
      groupMeters.add(m);
    }
  }

  /** The largest lag of the owned partitions that carried the table; NaN when there are none. */
  private double tableLagSeconds(TableId table) {
    double lag = Double.NaN;
    for (int p : tablePartitions.getOrDefault(table, Set.of())) {
      double l = source.lagSeconds(p);
      if (!Double.isNaN(l) && (Double.isNaN(lag) || l > lag)) {
        lag = l;
      }
    }
    return lag;
  }

  /**
   * Keeps a lag and a backlog gauge for each owned partition that applied something, and none for
   * the others, so sums over workers count each partition once.
   */
  public void ownedPartitions(List<Integer> owned, Set<Integer> applied) {
    synchronized (partitionMeters) {
      for (var it = partitionMeters.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!owned.contains(e.getKey())) {
          e.getValue().forEach(registry::remove);
          it.remove();
        }
      }
      for (int p : owned) {
        if (partitionMeters.containsKey(p) || !applied.contains(p)) {
          continue;
        }
        String partition = Integer.toString(p);
        partitionMeters.put(
            p,
            List.of(
                Gauge.builder(MetricNames.APPLY_LAG, source, s -> s.lagSeconds(p))
                    .description(
                        "Seconds since the source commit up to which the partition is applied")
                    .baseUnit("seconds")
                    .tag("group", group)
                    .tag("partition", partition)
                    .register(registry),
                Gauge.builder(MetricNames.APPLY_BACKLOG, source, s -> s.backlog(p))
                    .description("Changes in the partition past its checkpoint")
                    .tag("group", group)
                    .tag("partition", partition)
                    .register(registry)));
      }
    }
  }

  /** Changes committed to the target, before key reduction, of one table and operation. */
  public Counter events(TableId table, Op op) {
    return events.computeIfAbsent(
        new EventKey(table, op),
        key ->
            counter(
                MetricNames.APPLY_EVENTS,
                "Changes committed to the target, before key reduction",
                "table",
                table.toString(),
                "op",
                op.name().toLowerCase(Locale.ROOT)));
  }

  public Timer batchDuration() {
    return Timer.builder(MetricNames.APPLY_BATCH_DURATION)
        .description("Time a batch takes from poll to target commit")
        .tag("group", group)
        .serviceLevelObjectives(BATCH_BUCKETS)
        .register(registry);
  }

  public Counter checkpointFailures() {
    return counter(
        MetricNames.APPLY_CHECKPOINT_FAILURES,
        "Checkpoint writes DynamoDB refused or did not answer (each is retried)");
  }

  public Counter errors(ErrorClass errorClass) {
    return counter(
        MetricNames.APPLY_ERRORS, "Target errors met by apply", "error_class", errorClass.tag());
  }

  /** Source TRUNCATEs seen, by what the group's policy did with them. */
  public Counter truncates(TableId table, String outcome) {
    return counter(
        MetricNames.APPLY_TRUNCATES,
        "Source TRUNCATEs seen by apply",
        "table",
        table.toString(),
        "outcome",
        outcome);
  }

  public Counter deadLetters(TableId table) {
    return counter(
        MetricNames.APPLY_DEAD_LETTERS,
        "Changes sent to the group's dead-letter topic",
        "table",
        table.toString());
  }

  /** A counter of the group, with more tags as name and value pairs. */
  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name)
        .description(description)
        .tag("group", group)
        .tags(tags)
        .register(registry);
  }

  /** Removes the worker's gauges from the registry; counters stay, as a process's counters do. */
  public void close() {
    synchronized (this) {
      groupMeters.forEach(registry::remove);
      groupMeters.clear();
    }
    ownedPartitions(List.of(), Set.of());
  }
}
