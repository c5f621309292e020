package io.sluice.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.sluice.capture.load.LoadListener;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.core.MetricNames;
import io.sluice.core.event.Op;
import io.sluice.core.schema.TableId;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The meters of capture in one process. One instance lives as long as the process's capture role,
 * across terms of leadership, so the series stay the same when a standby takes over.
 */
public final class CaptureMetrics {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<EventKey, Counter> events = new ConcurrentHashMap<>();
  private final Map<TableId, Double> expectedRows = new ConcurrentHashMap<>();
  private volatile long lastSourceMicros;
  private volatile double slotLagBytes = Double.NaN;
  private volatile double slotRetainedBytes = Double.NaN;
  private volatile boolean capturing;
  private volatile boolean snapshotting;

  private record EventKey(String group, TableId table, Op op) {}

  /** Meters on the global registry (tests that do not read them). */
  public CaptureMetrics() {
    this(Metrics.globalRegistry, Clock.systemUTC());
  }

  public CaptureMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** The clock capture reads the time on: its lag, and the time of the events it makes itself. */
  public Clock clock() {
    return clock;
  }

  /**
   * Registers the process-wide gauges.
   *
   * @param leader whether this process captures now
   * @param halted whether capture stopped on an error
   */
  public void bind(BooleanSupplier leader, BooleanSupplier halted) {
    Gauge.builder(MetricNames.CAPTURE_LEADER, leader, l -> l.getAsBoolean() ? 1 : 0)
        .description("1 while this process holds the capture lease and captures")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MetricNames.CAPTURE_HALTED, halted, h -> h.getAsBoolean() ? 1 : 0)
        .description("1 once capture in this process stopped on an error")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MetricNames.CAPTURE_LAG, this, CaptureMetrics::lagSeconds)
        .description(
            "Seconds since the source commit of the newest change or heartbeat sent to Kafka")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MetricNames.CAPTURE_SLOT_LAG, this, m -> m.slotLagBytes)
        .description("Source WAL past the slot's confirmed position")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MetricNames.CAPTURE_SLOT_RETAINED, this, m -> m.slotRetainedBytes)
        .description("Source WAL the slot keeps on disk")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
    Gauge.builder(MetricNames.CAPTURE_SNAPSHOT_RUNNING, this, m -> m.snapshotting ? 1 : 0)
        .description("1 while capture copies the initial snapshot")
        .strongReference(true)
        .register(registry);
  }

  /** A change of a table of a group was acknowledged by Kafka. */
  void sent(String group, TableId table, Op op, long sourceMicros) {
    events
        .computeIfAbsent(
            new EventKey(group, table, op),
            k ->
                Counter.builder(MetricNames.CAPTURE_EVENTS)
                    .description("Changes read from the source and acknowledged by Kafka")
                    .tag("group", k.group())
                    .tag("table", k.table().toString())
                    .tag("op", k.op().name().toLowerCase(Locale.ROOT))
                    .register(registry))
        .increment();
    sourceCommitted(sourceMicros);
  }

  /** Capture has sent everything the source committed up to this time (a heartbeat, a change). */
  void sourceCommitted(long sourceMicros) {
    if (sourceMicros > lastSourceMicros) {
      lastSourceMicros = sourceMicros;
    }
  }

  void capturing(boolean on) {
    capturing = on;
    if (!on) {
      snapshotting = false;
    }
  }

  void snapshotting(boolean on) {
    snapshotting = on;
  }

  /** The planner's row estimate of a table the initial snapshot copies. */
  void expectRows(String group, TableId table, double rows) {
    if (expectedRows.put(table, rows) == null) {
      Gauge.builder(
              MetricNames.CAPTURE_SNAPSHOT_ROWS_EXPECTED,
              expectedRows,
              m -> m.getOrDefault(table, 0.0))
          .description("Rows the initial snapshot is expected to copy (the planner's estimate)")
          .tag("group", group)
          .tag("table", table.toString())
          .strongReference(true)
          .register(registry);
    }
  }

  /**
   * Hears the copy load: rows and chunks committed, by group and table, and the load running as the
   * snapshot does; then tells {@code next}.
   */
  LoadListener loadListener(CapturedTables tables, LoadListener next) {
    Map<String, TableId> byName = new java.util.HashMap<>();
    tables.ids().forEach(id -> byName.put(id.quoted(), id));
    return new LoadListener() {
      @Override
      public void planned(List<LoadChunk> chunks, Map<String, Long> copied) {
        snapshotting(true);
        next.planned(chunks, copied);
      }

      @Override
      public void copied(LoadChunk chunk, long rows) {
        TableId table = byName.get(chunk.table());
        String group = tables.groupOf(table).orElseThrow().name();
        Counter.builder(MetricNames.LOAD_ROWS)
            .description("Rows the copy load committed on the target")
            .tag("group", group)
            .tag("table", table.toString())
            .register(registry)
            .increment(rows);
        Counter.builder(MetricNames.LOAD_CHUNKS)
            .description("Chunks of the copy load committed on the target by this process")
            .tag("group", group)
            .register(registry)
            .increment();
        next.copied(chunk, rows);
      }

      @Override
      public void finished() {
        snapshotting(false);
        next.finished();
      }
    };
  }

  /** Query capture diffed a table and sent {@code changes} changes for it. */
  void diffed(String group, TableId table, long changes) {
    Counter.builder(MetricNames.CAPTURE_DIFF_CHANGES)
        .description("Changes query capture's diffs found and sent")
        .tag("group", group)
        .tag("table", table.toString())
        .register(registry)
        .increment(changes);
    DiffKey key = new DiffKey(group, table);
    if (lastDiff.put(key, clock.millis() / 1000.0) == null) {
      Gauge.builder(MetricNames.CAPTURE_DIFF_LAST, lastDiff, m -> m.getOrDefault(key, 0.0))
          .description("When query capture's last diff of the table finished (epoch seconds)")
          .tag("group", group)
          .tag("table", table.toString())
          .strongReference(true)
          .register(registry);
    }
  }

  private record DiffKey(String group, TableId table) {}

  private final Map<DiffKey, Double> lastDiff = new ConcurrentHashMap<>();

  /** The slot's distance from the source's WAL end; NaN when it could not be read. */
  void slot(double lagBytes, double retainedBytes) {
    slotLagBytes = lagBytes;
    slotRetainedBytes = retainedBytes;
  }

  private double lagSeconds() {
    long last = lastSourceMicros;
    if (!capturing || last == 0) {
      return Double.NaN;
    }
    long nowMicros = clock.millis() * 1_000;
    return Math.max(0, nowMicros - last) / 1_000_000.0;
  }
}
