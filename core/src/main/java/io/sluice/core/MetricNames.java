package io.sluice.core;

/**
 * Every metric name sluice exports, in one place. Names are {@code sluice.<module>.<noun>} in base
 * units; dashboards and alert rules use only these. Every meter also carries the tag {@code
 * pipeline}. Prometheus names follow from these: dots become underscores, counters gain {@code
 * _total} and a base unit its suffix ({@code sluice.apply.lag} in seconds is {@code
 * sluice_apply_lag_seconds}).
 */
public final class MetricNames {
  /**
   * Changes read from the source and acknowledged by Kafka, tagged {@code group}, {@code table} and
   * {@code op} ({@code snapshot}, {@code insert}, {@code update}, {@code delete}, {@code
   * truncate}).
   */
  public static final String CAPTURE_EVENTS = "sluice.capture.events";

  /**
   * Seconds between now and the source commit time of the newest change or heartbeat capture has
   * sent to Kafka; NaN in a process that does not capture.
   */
  public static final String CAPTURE_LAG = "sluice.capture.lag";

  /**
   * Bytes of source WAL past the slot's confirmed position: what capture has yet to read and
   * confirm.
   */
  public static final String CAPTURE_SLOT_LAG = "sluice.capture.slot.lag";

  /** Bytes of source WAL the slot keeps on the source's disk (past its restart position). */
  public static final String CAPTURE_SLOT_RETAINED = "sluice.capture.slot.retained";

  /** 1 while this process holds the capture lease and captures, else 0. */
  public static final String CAPTURE_LEADER = "sluice.capture.leader";

  /** 1 once capture in this process stopped on an error (it does not restart on its own). */
  public static final String CAPTURE_HALTED = "sluice.capture.halted";

  /** 1 while the capture in this process copies the initial snapshot, else 0. */
  public static final String CAPTURE_SNAPSHOT_RUNNING = "sluice.capture.snapshot.running";

  /**
   * Rows the initial snapshot is expected to copy (the planner's estimate), tagged {@code group}
   * and {@code table}; with {@link #CAPTURE_EVENTS} {@code op="snapshot"} it shows load progress.
   */
  public static final String CAPTURE_SNAPSHOT_ROWS_EXPECTED =
      "sluice.capture.snapshot.rows.expected";

  /**
   * Rows the copy load committed on the target, tagged {@code group} and {@code table}; against
   * {@link #CAPTURE_SNAPSHOT_ROWS_EXPECTED} it shows the load's progress.
   */
  public static final String LOAD_ROWS = "sluice.load.rows";

  /**
   * Scheduled verifications of a group, tagged {@code group} and {@code result} ({@code match},
   * {@code differ}, {@code not_verified}).
   */
  public static final String VERIFY_RUNS = "sluice.verify.runs";

  /** Chunks the scheduled verification compared, tagged {@code group}. */
  public static final String VERIFY_CHUNKS = "sluice.verify.chunks";

  /** Source rows the scheduled verification compared, tagged {@code group}. */
  public static final String VERIFY_ROWS = "sluice.verify.rows";

  /**
   * Keys that differed (missing, extra or different, and unsettled) in the group's last scheduled
   * verification, tagged {@code group}.
   */
  public static final String VERIFY_DIFFERENCES = "sluice.verify.differences";

  /**
   * When the group last verified clean, seconds since the epoch (0: not yet), tagged {@code group}.
   */
  public static final String VERIFY_LAST_CLEAN = "sluice.verify.last.clean.timestamp.seconds";

  /**
   * Runs of the scheduled carrying of sequences to the target ({@code sequences.interval}), tagged
   * {@code outcome} ({@code ok}, {@code failed}).
   */
  public static final String SEQUENCES_RUNS = "sluice.sequences.runs";

  /** When sequences were last carried without a failure, seconds since the epoch (0: not yet). */
  public static final String SEQUENCES_LAST_SUCCESS =
      "sluice.sequences.last.success.timestamp.seconds";

  /**
   * Query capture: changes a diff found (upserts of rows that differ or are missing on the target,
   * deletes of rows the source no longer holds), tagged {@code group} and {@code table}. On a
   * watermark table every one beyond deletes is a write that did not move the watermark.
   */
  public static final String CAPTURE_DIFF_CHANGES = "sluice.capture.diff.changes";

  /**
   * Query capture: when a table's last diff finished, seconds since the epoch, tagged {@code group}
   * and {@code table}.
   */
  public static final String CAPTURE_DIFF_LAST = "sluice.capture.diff.last.timestamp.seconds";

  /** Chunks of the copy load committed on the target by this process, tagged {@code group}. */
  public static final String LOAD_CHUNKS = "sluice.load.chunks";

  /**
   * Changes committed to the target, before key reduction, tagged {@code group}, {@code table} and
   * {@code op}.
   */
  public static final String APPLY_EVENTS = "sluice.apply.events";

  /**
   * End-to-end lag of a partition, tagged {@code group} and {@code partition}: seconds between now
   * and the source commit time up to which the partition is applied. Heartbeats move it while the
   * source is idle. Only partitions this worker owns, once the first batch is applied.
   */
  public static final String APPLY_LAG = "sluice.apply.lag";

  /**
   * End-to-end lag of a table, tagged {@code group} and {@code table}: the largest {@link
   * #APPLY_LAG} of the owned partitions that carried the table's changes.
   */
  public static final String APPLY_TABLE_LAG = "sluice.apply.table.lag";

  /** Lag thresholds of a group's alerts, tagged {@code group} and {@code severity}. */
  public static final String APPLY_LAG_THRESHOLD = "sluice.apply.lag.threshold";

  /** Time a batch takes from poll to target commit, tagged {@code group}. */
  public static final String APPLY_BATCH_DURATION = "sluice.apply.batch.duration";

  /**
   * Target errors met by apply, tagged {@code group} and {@code error_class} ({@code retriable},
   * {@code bad_data}, {@code fatal}).
   */
  public static final String APPLY_ERRORS = "sluice.apply.errors";

  /**
   * Checkpoint writes DynamoDB refused or did not answer (each is retried), tagged {@code group}.
   */
  public static final String APPLY_CHECKPOINT_FAILURES = "sluice.apply.checkpoint.failures";

  /** Changes sent to a group's dead-letter topic, tagged {@code group} and {@code table}. */
  public static final String APPLY_DEAD_LETTERS = "sluice.apply.dead.letters";

  /** Records held in a group's dead-letter topic, tagged {@code group}. */
  public static final String APPLY_DEAD_LETTER_RECORDS = "sluice.apply.dead.letter.records";

  /** Source TRUNCATEs seen by apply, tagged {@code group}, {@code table}, {@code outcome}. */
  public static final String APPLY_TRUNCATES = "sluice.apply.truncates";

  /** 1 while a group is paused, else 0; tagged {@code group}. */
  public static final String APPLY_PAUSED = "sluice.apply.paused";

  /** Seconds a group has been paused, 0 while it runs; tagged {@code group}. */
  public static final String APPLY_PAUSED_DURATION = "sluice.apply.paused.duration";

  /** Seconds a group may stay paused before its alert fires; tagged {@code group}. */
  public static final String APPLY_PAUSED_THRESHOLD = "sluice.apply.paused.threshold";

  /** 1 once a group's worker in this process stopped on an error, else 0; tagged {@code group}. */
  public static final String APPLY_HALTED = "sluice.apply.halted";

  /** Partitions of a group whose lease a worker holds; tagged {@code group}. */
  public static final String APPLY_LEASES = "sluice.apply.leases";

  /** Partitions of a group's topic (the configured number); tagged {@code group}. */
  public static final String APPLY_PARTITIONS = "sluice.apply.partitions";

  /**
   * Changes in a partition of a group's topic past its checkpoint, tagged {@code group} and {@code
   * partition}; only partitions this worker owns.
   */
  public static final String APPLY_BACKLOG = "sluice.apply.backlog";

  /**
   * Seconds Kafka keeps a group's changes (the topic's {@code retention.ms}; +Inf when unlimited),
   * tagged {@code group}: a backlog older than this is lost.
   */
  public static final String APPLY_RETENTION = "sluice.apply.retention";

  private MetricNames() {}
}
