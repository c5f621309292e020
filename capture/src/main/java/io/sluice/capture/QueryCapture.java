package io.sluice.capture;

import io.sluice.capture.internal.SourceConnections;
import io.sluice.capture.internal.TopicSetup;
import io.sluice.capture.load.InitialLoad;
import io.sluice.capture.load.LoadListener;
import io.sluice.capture.query.GreenplumSql;
import io.sluice.capture.query.QueryTable;
import io.sluice.capture.query.RowDigest;
import io.sluice.capture.query.WatermarkSql;
import io.sluice.capture.routing.ChangeRouter;
import io.sluice.capture.verify.TableDiff;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.DynamoDbQueryStateStore;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.QueryState;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.ConfigException;
import io.sluice.core.SluiceException;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.event.RowKeyText;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Query capture ({@code capture.method: query}), for a source without usable logical decoding
 * (Greenplum 7): every change reaches the group topics as the same events log capture sends, so
 * apply, checkpoints, pause and verify work unchanged.
 *
 * <p>A first start copies every table with the copy load from one exported snapshot, and records
 * each watermark table's watermark in that snapshot. Then a poll thread reads, every {@code
 * capture.query.poll-interval}, each watermark and append-only table's rows past its watermark (see
 * {@link WatermarkSql}), all tables in one snapshot, and sends them as updates, then a heartbeat to
 * every partition; only after Kafka acknowledged them are the new watermarks stored. A diff thread
 * compares each diff and watermark table with the target every diff interval ({@link TableDiff})
 * and sends the differences as upserts and deletes: the deletes of watermark tables, rows whose
 * watermark is NULL, and every change of a diff table.
 *
 * <p>Positions: each poll and each diff takes the next number of one sequence ({@link QueryState}),
 * under one lock, with its snapshot, so a higher position always means a snapshot taken later. The
 * position guard then makes every re-read harmless and lets the newest read of a row win, whatever
 * order apply receives them in. A crash anywhere repeats at most the work since the last stored
 * state, at new positions.
 *
 * <p>Longer than most files here, and kept whole: its two threads share the position sequence, the
 * stored state and the router under one lock, and read best side by side.
 */
public final class QueryCapture implements CaptureRun {
  private static final Logger log = LoggerFactory.getLogger(QueryCapture.class);

  /** Positions reserved in DynamoDB at a time. */
  static final long BLOCK = 1_000;

  /** How long a diff that could not run (its group behind or paused) waits before trying again. */
  private static final Duration DIFF_RETRY = Duration.ofMinutes(2);

  /**
   * How long a diff waits for apply to reach its snapshot: a running group applies the heartbeat
   * within seconds, and a paused one must not hold up the diffs of the other groups for long.
   */
  private static final Duration DIFF_APPLY_WAIT = Duration.ofSeconds(30);

  private final PipelineConfig config;
  private final CapturedTables tables;
  private final Lease lease;
  private final CaptureMetrics metrics;
  private final CaptureStats stats = new CaptureStats();
  private final SourceConnections source;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(2);

  /** Guards the position sequence, the stored state, the router and the followed tables. */
  private final Object step = new Object();

  private final Map<TableId, QueryTable> followed = new ConcurrentHashMap<>();
  private final Set<TableId> baseline = ConcurrentHashMap.newKeySet();
  private final Map<TableId, Instant> diffNotBefore = new ConcurrentHashMap<>();
  private final Map<TableId, String> signatures = new HashMap<>();

  /**
   * Per watermark table, the digest of each row the last completed poll read, by key: a row read
   * again unchanged in the look-back window is not sent again. A diff that sends anything for a
   * table forgets its digests (the target row may have changed at a newer position).
   */
  private final Map<TableId, Map<String, RowDigest>> lastRead = new HashMap<>();

  private LoadListener loadListener = LoadListener.NONE;
  private QueryState state;
  private long nextPosition;
  private DynamoDbClient dynamo;
  private DynamoDbQueryStateStore store;
  private ApplyCheckpointStore checkpoints;
  private ChangeRouter router;
  private volatile InitialLoad.Running load;
  private volatile boolean progressed;

  /** The session of the poll under way, aborted by {@link #close} so a long poll ends at once. */
  private volatile Connection polling;

  private Thread poller;
  private Thread differ;

  public QueryCapture(
      PipelineConfig config, CapturedTables tables, Lease lease, CaptureMetrics metrics) {
    this.config = config;
    this.tables = tables;
    this.lease = lease;
    this.metrics = metrics;
    this.source = new SourceConnections(config.source(), "query capture");
  }

  @Override
  public void loadListener(LoadListener listener) {
    this.loadListener = listener;
  }

  @Override
  public synchronized void start() throws SQLException, InterruptedException {
    if (poller != null) {
      throw new IllegalStateException("query capture already started");
    }
    follow();
    dynamo = DynamoDbClients.create(config.dynamoDb());
    StateTables stateTables = new StateTables(config.dynamoDb().tablePrefix());
    stateTables.ensureExist(dynamo);
    store = new DynamoDbQueryStateStore(dynamo, stateTables, config.name(), metrics.clock());
    checkpoints = new DynamoDbApplyCheckpointStore(dynamo, stateTables);
    DynamoDbLoadProgressStore loads =
        new DynamoDbLoadProgressStore(dynamo, stateTables, metrics.clock());
    TopicSetup.ensure(
        config.kafka().clientProperties(),
        config.topics(),
        config.kafka().replicationFactor(),
        config.kafka().maxMessageBytes());
    router =
        new ChangeRouter(
            config,
            tables::groupOf,
            new KafkaProducer<>(
                ChangeRouter.producerProperties(
                    config.kafka().clientProperties(),
                    config.name(),
                    config.kafka().maxMessageBytes())));
    Optional<QueryState> stored = store.load();
    Optional<LoadPlan> plan = loads.plan();
    if (stored.isEmpty()) {
      if (plan.isPresent()
          || DynamoDbOffsetBackingStore.itemExists(dynamo, stateTables, config.name())) {
        throw new ConfigException(
            List.of(
                "pipeline "
                    + config.name()
                    + " was captured from a replication slot (capture.method log); its target"
                    + " rows carry log positions that query capture's cannot follow. Capture by"
                    + " query under a new pipeline name, into new target tables"));
      }
      loadAll();
    } else {
      state = stored.get();
      nextPosition = state.reserved() + 1;
      reserve(); // a new block: a crashed run may have used any position of the last one
      reconcile();
      if (plan.isEmpty()) {
        loadAll();
      } else if (!plan.get().finished()) {
        load = initialLoad(loads).resume(plan.get());
        watchLoad();
      } else {
        loadJoined(loads, plan.get());
      }
    }
    stats.streamingStarted();
    metrics.capturing(true);
    poller = thread("sluice-query-poll-" + config.name(), this::pollLoop);
    differ = thread("sluice-query-diff-" + config.name(), this::diffLoop);
    log.info(
        "query capture of pipeline {} started: {} tables in {} groups ({}), from position {}",
        config.name(),
        followed.size(),
        config.groups().size(),
        followed.values().stream()
            .collect(Collectors.groupingBy(QueryTable::modeName, Collectors.counting())),
        nextPosition);
  }

  /** Decides how each table is followed; refuses, naming them, tables that cannot be. */
  private void follow() throws SQLException {
    List<String> problems = new ArrayList<>();
    for (GroupConfig g : config.groups()) {
      Set<String> names =
          tables.tablesOf(g.name()).stream()
              .map(t -> t.id().toString())
              .collect(Collectors.toSet());
      for (String t : g.query().watermark().keySet()) {
        if (!names.contains(t)) {
          problems.add("group " + g.name() + ": watermark names " + t + ", not a table of it");
        }
      }
      for (String t : g.query().appendOnly().keySet()) {
        if (!names.contains(t)) {
          problems.add("group " + g.name() + ": append-only names " + t + ", not a table of it");
        }
      }
      for (TableSchema t : tables.tablesOf(g.name())) {
        try {
          followed.put(t.id(), QueryTable.of(t, g));
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    try (Connection c = source.open()) {
      if (GreenplumSql.isGreenplum(c)) {
        log.info(
            "source of pipeline {} is Greenplum; parallel retrieve cursors {}; loads and polls"
                + " read through the coordinator (COPY measured faster than endpoint retrieval)",
            config.name(),
            GreenplumSql.parallelRetrieveCursors(c) ? "available" : "not available");
      }
      signatures.putAll(signatures(c, followed.keySet()));
    }
  }

  /**
   * Compares the stored modes with the configured ones: a table that turned watermark or
   * append-only (or changed its column) gets its watermark from the next poll's snapshot and a diff
   * at once, which brings the target to that snapshot; a table the state does not know is new.
   */
  private void reconcile() {
    for (QueryTable t : followed.values()) {
      QueryState.TableState s = state.tables().get(t.schema().id().toString());
      if (s != null && s.mode().equals(t.modeName()) && s.column().equals(t.columnName())) {
        continue;
      }
      log.info(
          "table {} of pipeline {} is followed as {} now (was {}): it is diffed at once",
          t.schema().id(),
          config.name(),
          t.modeName(),
          s == null ? "not followed" : s.mode());
      if (t.watermark().isPresent()) {
        baseline.add(t.schema().id());
      }
      putTable(t, Optional.empty(), Optional.empty());
    }
  }

  /** Copies every table from one exported snapshot, whose watermarks the state records. */
  private void loadAll() throws SQLException, InterruptedException {
    baseline.clear(); // every watermark is read in the load's snapshot
    if (state == null) {
      state = new QueryState(0, 0, 0, Map.of());
      nextPosition = 1;
      reserve();
    }
    long position = next();
    Map<String, Long> streamStart =
        TopicSetup.endOffsets(config.kafka().clientProperties(), config.topics());
    DynamoDbLoadProgressStore loads =
        new DynamoDbLoadProgressStore(
            dynamo, new StateTables(config.dynamoDb().tablePrefix()), metrics.clock());
    try (Connection exporter = source.open()) {
      exporter.setAutoCommit(false);
      String snapshot;
      try (Statement st = exporter.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        // locked before the snapshot: no table is rewritten until the loaders lock it too
        st.execute(
            "LOCK TABLE "
                + followed.keySet().stream().map(TableId::quoted).collect(Collectors.joining(", "))
                + " IN ACCESS SHARE MODE");
        try (var rs = st.executeQuery("SELECT pg_export_snapshot()")) {
          rs.next();
          snapshot = rs.getString(1);
        }
      }
      String loaded = metrics.clock().instant().toString();
      Map<String, QueryState.TableState> byTable = new LinkedHashMap<>();
      for (QueryTable t : followed.values()) {
        byTable.put(
            t.schema().id().toString(),
            new QueryState.TableState(
                t.modeName(), t.columnName(), highOfAll(exporter, t), Optional.of(loaded)));
      }
      synchronized (step) {
        state = new QueryState(state.reserved(), position, 0, byTable);
        store.save(state, lease);
      }
      load = initialLoad(loads).beginFrom(snapshot, position, streamStart);
      exporter.commit();
    }
    watchLoad();
  }

  /** Copies tables that joined since the load, their watermarks read before their copy. */
  private void loadJoined(DynamoDbLoadProgressStore loads, LoadPlan plan)
      throws SQLException, InterruptedException {
    Set<String> loaded = plan.chunks().stream().map(LoadChunk::table).collect(Collectors.toSet());
    List<TableId> joined =
        followed.keySet().stream().filter(t -> !loaded.contains(t.quoted())).sorted().toList();
    if (joined.isEmpty()) {
      return;
    }
    try (Connection c = source.open()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      }
      String now = metrics.clock().instant().toString();
      for (TableId id : joined) {
        QueryTable t = followed.get(id);
        baseline.remove(id);
        putTable(t, highOfAll(c, t), Optional.of(now));
      }
      c.commit();
    }
    synchronized (step) {
      store.save(state, lease);
    }
    InitialLoad.Running running = initialLoad(loads).add(plan, joined);
    load = running;
    while (!running.await(1_000)) {
      // copying; close() stops it
    }
    load = null;
    if (running.failure().isPresent()) {
      throw new SluiceException("copying the tables that joined failed", running.failure().get());
    }
  }

  private InitialLoad initialLoad(DynamoDbLoadProgressStore loads) {
    return new InitialLoad(
        config, tables, loads, lease, metrics.loadListener(tables, loadListener));
  }

  private void watchLoad() {
    load.onFailure(
        f -> {
          log.warn(
              "initial load of pipeline {} stopped: {}",
              config.name(),
              ErrorClassifier.describe(f));
          fail(f);
        });
  }

  private boolean loading() {
    InitialLoad.Running l = load;
    return l != null && !l.ended();
  }

  // ---------------------------------------------------------------- polls

  private void pollLoop() {
    // one session for every poll: a Greenplum session costs a process on each segment to start
    try (Connection c = source.open()) {
      polling = c;
      TableDiff.session(c); // values printed as the diff and apply's other paths print them
      while (stopping.getCount() > 0) {
        try {
          poll(c);
        } catch (SQLException e) {
          if (!"42703".equals(e.getSQLState())) {
            throw e;
          }
          // a column went between the schema check and the read: the next poll announces it
          log.info(
              "a captured table of pipeline {} changed while polled; polling again", config.name());
          if (!c.getAutoCommit()) {
            c.rollback();
          }
          poll(c);
        }
        progressed = true;
        if (stopping.await(
            config.capture().query().pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    } catch (Throwable e) {
      failUnlessStopping(e);
    } finally {
      stopped.countDown();
    }
  }

  /**
   * One poll: a snapshot and its position, a schema check, every watermark table's rows past its
   * watermark, a heartbeat; once Kafka has them all, the new watermarks are stored.
   */
  private void poll(Connection c) throws SQLException, InterruptedException {
    Map<TableId, Optional<String>> marks = new HashMap<>();
    Map<TableId, Map<String, RowDigest>> read = new HashMap<>();
    synchronized (step) {
      long position = next();
      c.setAutoCommit(true); // the clock is read before the poll's transaction begins
      long from = clock(c);
      long micros = snapshot(c);
      Map<TableId, String> now = signatures(c, followed.keySet());
      for (QueryTable t : List.copyOf(followed.values())) {
        checkSchema(c, t, now.get(t.schema().id()), position, micros);
      }
      for (QueryTable t : followed.values()) {
        if (t.watermark().isPresent()) {
          marks.put(
              t.schema().id(),
              readPastWatermark(c, followed.get(t.schema().id()), position, micros, read));
        }
      }
      router.route(ChangeEvent.heartbeat(HEARTBEAT, position, 0, micros));
      handSent();
      metrics.sourceCommitted(micros);
      stats.observed(micros);
      c.commit();
      marks.forEach(
          (id, mark) -> {
            QueryState.TableState s = state.tables().get(id.toString());
            putTable(followed.get(id), mark, s == null ? Optional.empty() : s.diffedAt());
            baseline.remove(id);
          });
      lastRead.keySet().retainAll(read.keySet());
      lastRead.putAll(read);
      state = new QueryState(state.reserved(), position, from, state.tables());
      store.save(state, lease);
    }
  }

  /**
   * Sends a table's rows past its watermark at {@code position}, but for those the previous poll
   * read as they are; returns its new watermark.
   *
   * @param read receives the digests of the rows read, by table and key
   */
  private Optional<String> readPastWatermark(
      Connection c,
      QueryTable t,
      long position,
      long micros,
      Map<TableId, Map<String, RowDigest>> read)
      throws SQLException, InterruptedException {
    WatermarkSql sql = t.watermark().orElseThrow();
    if (baseline.contains(t.schema().id())) {
      return highOfAll(c, t);
    }
    QueryState.TableState s = state.tables().get(t.schema().id().toString());
    Optional<String> mark = s == null ? Optional.empty() : s.watermark();
    Object lookback =
        sql.lookbackParameter(
            config.capture().query().lookback(), config.capture().query().lookbackIds());
    List<ColumnSchema> columns = sql.columns();
    Map<String, RowDigest> before = lastRead.getOrDefault(t.schema().id(), Map.of());
    Map<String, RowDigest> now = new HashMap<>();
    read.put(t.schema().id(), now);
    try (var ps = c.prepareStatement(mark.isPresent() ? sql.rowsSince() : sql.allRows())) {
      if (mark.isPresent()) {
        ps.setString(1, mark.get());
        ps.setObject(2, lookback);
      }
      ps.setFetchSize(10_000);
      try (var rs = ps.executeQuery()) {
        int routed = 0;
        while (rs.next()) {
          Map<String, String> after = new LinkedHashMap<>();
          for (int i = 0; i < columns.size(); i++) {
            after.put(columns.get(i).name(), rs.getString(i + 1));
          }
          Map<String, String> key = new LinkedHashMap<>();
          for (String k : t.schema().keyColumns()) {
            key.put(k, after.get(k));
          }
          String keyText = RowKeyText.of(new ArrayList<>(key.values()));
          RowDigest digest = RowDigest.of(after.values());
          now.put(keyText, digest);
          if (digest.equals(before.get(keyText))) {
            continue; // read unchanged again in the look-back window: the target has it
          }
          router.route(
              new ChangeEvent(
                  t.schema().id(), Op.UPDATE, position, 0, micros, key, after, Set.of()));
          if (stopping.getCount() == 0) {
            throw new InterruptedException("query capture stops");
          }
          if (++routed % 5_000 == 0) {
            handSent(); // bounds what is held in memory while Kafka takes it
          }
        }
      }
    }
    if (mark.isEmpty()) {
      return highOfAll(c, t);
    }
    try (var ps = c.prepareStatement(sql.highSince())) {
      ps.setString(1, mark.get());
      ps.setString(2, mark.get());
      ps.setObject(3, lookback);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return Optional.ofNullable(rs.getString(1));
      }
    }
  }

  // ---------------------------------------------------------------- diffs

  private void diffLoop() {
    try {
      while (stopping.getCount() > 0) {
        Optional<QueryTable> due = loading() ? Optional.empty() : nextDue();
        if (due.isPresent()) {
          try {
            diff(due.get());
          } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("42")) {
              throw e;
            }
            // the table changed under the diff, or the target refuses a read: try again later
            diffNotBefore.put(due.get().schema().id(), metrics.clock().instant().plus(DIFF_RETRY));
            log.warn(
                "diff of {} failed, tried again in {} s: {}",
                due.get().schema().id(),
                DIFF_RETRY.toSeconds(),
                ErrorClassifier.describe(e));
          }
        } else if (stopping.await(1, TimeUnit.SECONDS)) {
          break;
        }
      }
    } catch (Throwable e) {
      failUnlessStopping(e);
    } finally {
      stopped.countDown();
    }
  }

  /** The table whose diff is most overdue, if one is due. */
  private Optional<QueryTable> nextDue() {
    Instant now = metrics.clock().instant();
    QueryTable best = null;
    Instant bestDue = null;
    synchronized (step) {
      for (QueryTable t : followed.values()) {
        TableId id = t.schema().id();
        if (baseline.contains(id)) {
          continue; // its watermark is read first
        }
        QueryState.TableState s = state.tables().get(id.toString());
        Optional<Instant> last = s == null ? Optional.empty() : s.diffedAt().map(Instant::parse);
        Instant due;
        if (last.isEmpty()) {
          due = Instant.MIN;
        } else if (!t.diffed()) {
          continue;
        } else {
          due = last.get().plus(diffInterval(t.group()));
        }
        Instant retry = diffNotBefore.get(id);
        if (retry != null && retry.isAfter(due)) {
          due = retry;
        }
        if (!due.isAfter(now) && (bestDue == null || due.isBefore(bestDue))) {
          best = t;
          bestDue = due;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private Duration diffInterval(GroupConfig g) {
    return g.query().diffInterval().orElse(config.capture().query().diffInterval());
  }

  /**
   * Diffs one table: a snapshot at a new position (with a heartbeat behind everything sent before
   * it), a wait until apply has applied that heartbeat in every partition of the group, then the
   * comparison, every difference sent at the snapshot's position.
   */
  private void diff(QueryTable t) throws SQLException, InterruptedException {
    TableId id = t.schema().id();
    Instant deadline = metrics.clock().instant().plus(DIFF_APPLY_WAIT);
    try (Connection src = source.open();
        Connection tgt = openTarget()) {
      TableDiff.session(src);
      TableDiff.session(tgt);
      long position;
      long micros;
      QueryTable current;
      synchronized (step) {
        position = next();
        micros = snapshot(src);
        current = followed.get(id);
        router.route(ChangeEvent.heartbeat(HEARTBEAT, position, 0, micros));
        handSent();
      }
      Optional<String> behind = awaitApplied(t.group(), position, deadline);
      if (behind.isPresent()) {
        diffNotBefore.put(id, metrics.clock().instant().plus(DIFF_RETRY));
        log.info("diff of {} waits: {}", id, behind.get());
        return;
      }
      TableDiff.Result r =
          new TableDiff(current.schema(), src, tgt)
              .run(
                  src,
                  tgt,
                  position,
                  micros,
                  config.verify().chunkRows(),
                  changes -> {
                    synchronized (step) {
                      lastRead.remove(id); // a target row may be newer than a poll's read now
                      changes.forEach(router::route);
                      handSent();
                    }
                  });
      src.commit();
      metrics.diffed(t.group().name(), id, r.changes());
      synchronized (step) {
        diffNotBefore.remove(id);
        QueryState.TableState s = state.tables().get(id.toString());
        putTable(
            followed.get(id),
            s == null ? Optional.empty() : s.watermark(),
            Optional.of(metrics.clock().instant().toString()));
        store.save(state, lease);
      }
      if (r.changes() > 0) {
        log.debug(
            "diff of {} at position {}: {} changes from {} of {} chunks",
            id,
            position,
            r.changes(),
            r.differingChunks(),
            r.chunks());
      }
    }
  }

  /** Empty once every partition of the group applied {@code position}; else why not. */
  private Optional<String> awaitApplied(GroupConfig g, long position, Instant deadline)
      throws InterruptedException {
    while (true) {
      Map<Integer, ApplyCheckpoint> at = checkpoints.load(g.name());
      List<Integer> behind = new ArrayList<>();
      for (int p = 0; p < g.partitions(); p++) {
        ApplyCheckpoint c = at.get(p);
        if (c == null || c.lsn() < position) {
          behind.add(p);
        }
      }
      if (behind.isEmpty()) {
        return Optional.empty();
      }
      if (!metrics.clock().instant().isBefore(deadline)) {
        return Optional.of(
            "apply of group "
                + g.name()
                + " had not reached position "
                + position
                + " in partitions "
                + behind
                + " within "
                + DIFF_APPLY_WAIT.toSeconds()
                + " s (paused, halted or far behind?)");
      }
      if (stopping.await(200, TimeUnit.MILLISECONDS)) {
        throw new InterruptedException("query capture stops");
      }
    }
  }

  // ---------------------------------------------------------------- shared

  /** The heartbeat events' table: no source table; apply only reads their position and time. */
  private static final TableId HEARTBEAT = new TableId("_sluice", "query_heartbeat");

  /**
   * Starts a read-only repeatable-read transaction on {@code c} and takes its snapshot; returns the
   * source's clock then, in microseconds since the epoch, which the snapshot's changes carry.
   */
  private static long snapshot(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
    return clock(c);
  }

  /** The source's clock, in microseconds since the epoch. */
  private static long clock(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        var rs =
            st.executeQuery("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Announces a table's new structure before the first row read under it, when its columns changed
   * since the last poll: the row statements are made anew from it.
   */
  private void checkSchema(Connection c, QueryTable t, String now, long position, long micros)
      throws SQLException {
    TableId id = t.schema().id();
    if (now.equals(signatures.get(id))) {
      return;
    }
    TableSchema next = SourceCatalog.describe(c, id, t.group(), CaptureMethod.QUERY);
    QueryTable changed = t.withSchema(next);
    followed.put(id, changed);
    signatures.put(id, now);
    router.route(ChangeEvent.schemaChange(next, position, 0, micros));
    log.info("table {} of pipeline {} changed its structure; announced", id, config.name());
  }

  /** Each table's columns (name, type, NOT NULL) as one text, all read in one catalog query. */
  private static Map<TableId, String> signatures(Connection c, Set<TableId> tables)
      throws SQLException {
    List<TableId> ids = List.copyOf(tables);
    Map<TableId, String> out = new HashMap<>();
    try (var ps =
        c.prepareStatement(
            "SELECT t.n, (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid,"
                + " a.atttypmod) || ' ' || a.attnotnull, ',' ORDER BY a.attnum)"
                + " FROM pg_attribute a WHERE a.attrelid = CAST(t.name AS regclass)"
                + " AND a.attnum > 0 AND NOT a.attisdropped)"
                + " FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS t(name, n)")) {
      java.sql.Array names = c.createArrayOf("text", ids.stream().map(TableId::quoted).toArray());
      ps.setArray(1, names);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(ids.get(rs.getInt(1) - 1), String.valueOf(rs.getString(2)));
        }
      } finally {
        names.free();
      }
    }
    return out;
  }

  private Optional<String> highOfAll(Connection c, QueryTable t) throws SQLException {
    if (t.watermark().isEmpty()) {
      return Optional.empty();
    }
    try (Statement st = c.createStatement();
        var rs = st.executeQuery(t.watermark().get().highOfAll())) {
      rs.next();
      return Optional.ofNullable(rs.getString(1));
    }
  }

  /** Waits until Kafka holds everything routed, then counts it. Call under {@link #step}. */
  private void handSent() throws InterruptedException {
    for (ChangeRouter.Sent s : router.awaitSent()) {
      ChangeEvent e = s.change();
      stats.recorded(s.group().name(), e.sourceTsMicros());
      metrics.sent(s.group().name(), e.table(), e.op(), e.sourceTsMicros());
    }
  }

  /** The next position; reserves a new block first when this one is used up. */
  private long next() {
    synchronized (step) {
      if (nextPosition > state.reserved()) {
        reserve();
      }
      return nextPosition++;
    }
  }

  private void reserve() {
    synchronized (step) {
      state =
          new QueryState(
              nextPosition - 1 + BLOCK,
              state.completed(),
              state.completedFromMicros(),
              state.tables());
      store.save(state, lease);
    }
  }

  private void putTable(QueryTable t, Optional<String> watermark, Optional<String> diffedAt) {
    synchronized (step) {
      Map<String, QueryState.TableState> next = new HashMap<>(state.tables());
      next.keySet()
          .removeIf(name -> followed.keySet().stream().noneMatch(id -> id.toString().equals(name)));
      next.put(
          t.schema().id().toString(),
          new QueryState.TableState(t.modeName(), t.columnName(), watermark, diffedAt));
      state = state.withTables(next);
    }
  }

  private Connection openTarget() throws SQLException {
    var t = config.target();
    return DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password().value());
  }

  private Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void fail(Throwable e) {
    if (failure.compareAndSet(null, e)) {
      log.warn(
          "query capture of pipeline {} stopped: {}", config.name(), ErrorClassifier.describe(e));
    }
    stopping.countDown();
  }

  /** Records why a thread ended, unless it ended because capture stops. */
  private void failUnlessStopping(Throwable e) {
    if (stopping.getCount() > 0) {
      fail(e);
    }
  }

  @Override
  public void stopFor(RuntimeException reason) {
    fail(reason);
  }

  @Override
  public void awaitStop() throws InterruptedException {
    stopping.await();
    stopped.await();
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public boolean progressed() {
    return progressed;
  }

  @Override
  public boolean isRunning() {
    return poller != null && stopping.getCount() > 0;
  }

  @Override
  public CaptureStats stats() {
    return stats;
  }

  @Override
  public synchronized void close() {
    stopping.countDown();
    InitialLoad.Running l = load;
    if (l != null) {
      l.close();
    }
    Connection c = polling;
    if (c != null) {
      try {
        c.abort(Runnable::run); // the poll is rolled back; its watermarks are not stored
      } catch (SQLException e) {
        log.debug("aborting the poll's session failed", e);
      }
    }
    for (Thread t : new Thread[] {poller, differ}) {
      if (t != null) {
        t.interrupt();
        try {
          t.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (poller == null) {
      stopped.countDown();
      stopped.countDown();
    }
    metrics.capturing(false);
    if (router != null) {
      router.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
    source.close();
  }
}
