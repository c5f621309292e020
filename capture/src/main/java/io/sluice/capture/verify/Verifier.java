package io.sluice.capture.verify;

import io.sluice.capture.CapturedTables;
import io.sluice.capture.SourceCatalog;
import io.sluice.capture.internal.DebeziumProperties;
import io.sluice.capture.internal.ExportedSnapshot;
import io.sluice.capture.internal.PublicationSetup;
import io.sluice.capture.internal.SourceConnections;
import io.sluice.capture.load.GuardedWriter;
import io.sluice.checkpoint.ApplyCheckpoint;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbQueryStateStore;
import io.sluice.checkpoint.QueryState;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.Lsn;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.TargetConfig;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code sluice verify}: proves a live pipeline's target equal to its source, table by table, and
 * with {@code repair} copies the rows that differ again.
 *
 * <p>Per group, a temporary replication slot exports a source snapshot whose position is known; the
 * comparison waits until every partition of the group has applied past the snapshot's consistent
 * point, so the target holds every change the snapshot holds. Each table is then compared chunk by
 * chunk ({@link ChunkSql}), each side computing its chunks' row counts and fingerprint sums in one
 * scan, both sides at once; only chunks whose figures differ are read row by row ({@link
 * TableCheck}). A differing row the target wrote after the snapshot's position (or a key it deleted
 * after it) is not judged but read again against a newer snapshot, until it settles or the deadline
 * passes.
 */
public final class Verifier {
  private static final Logger log = LoggerFactory.getLogger(Verifier.class);

  /** The text forms both sides print values in, so that equal values have equal text. */
  static final List<String> SESSION =
      List.of(
          "SET TimeZone = 'UTC'",
          "SET DateStyle = 'ISO, MDY'",
          "SET IntervalStyle = 'postgres'",
          "SET extra_float_digits = 3",
          "SET bytea_output = 'hex'",
          // The chunk scan groups a table's rows into a few thousand chunks: a hash table of
          // kilobytes. Without these the planner may sort every row by chunk instead (spilling
          // to disk) in parallel workers, several times the CPU on servers verify shares.
          "SET enable_sort = off",
          "SET max_parallel_workers_per_gather = 0");

  private final PipelineConfig config;
  private final ApplyCheckpointStore checkpoints;
  private final Supplier<GuardedWriter> writers;
  private final Clock clock;

  /**
   * @param checkpoints where apply records how far each partition has applied
   * @param writers the target's guarded write path, for repairs
   * @param clock what the deadline is read on
   */
  public Verifier(
      PipelineConfig config,
      ApplyCheckpointStore checkpoints,
      Supplier<GuardedWriter> writers,
      Clock clock) {
    this.config = config;
    this.checkpoints = checkpoints;
    this.writers = writers;
    this.clock = clock;
  }

  /**
   * Compares the tables the options choose.
   *
   * @param progress hears a line per table as it is done
   * @throws IllegalArgumentException if the options name a group or table the pipeline lacks
   */
  public VerifyReport run(VerifyOptions options, Consumer<String> progress)
      throws SQLException, InterruptedException {
    if (options.repair() && config.capture().method() == CaptureMethod.QUERY) {
      throw new IllegalArgumentException(
          "pipeline "
              + config.name()
              + " is captured by query: its diffs repair the target (every"
              + " capture.query.diff-interval); verify without --repair to see where it stands");
    }
    Instant started = clock.instant();
    Instant deadline = started.plus(options.deadline());
    Map<String, List<TableSchema>> byGroup = scope(options);
    List<TableVerdict> verdicts = new ArrayList<>();
    ExecutorService sides = Executors.newFixedThreadPool(2, daemon("sluice-verify"));
    try {
      for (Map.Entry<String, List<TableSchema>> g : byGroup.entrySet()) {
        for (TableSchema table : g.getValue()) {
          TableVerdict v = table(g.getKey(), table, options, deadline, sides);
          verdicts.add(v);
          progress.accept(VerifyText.line(v));
        }
      }
    } finally {
      sides.shutdownNow();
    }
    double seconds = Duration.between(started, clock.instant()).toNanos() / 1e9;
    return new VerifyReport(config.name(), started.toString(), seconds, verdicts);
  }

  private Map<String, List<TableSchema>> scope(VerifyOptions options) throws SQLException {
    CapturedTables captured;
    try (SourceConnections source = new SourceConnections(config.source(), "catalog")) {
      captured = SourceCatalog.resolve(source.connection(), config);
    }
    options.group().ifPresent(config::group); // names the groups there are if it is not one
    Map<String, List<TableSchema>> out = new LinkedHashMap<>();
    for (GroupConfig g : config.groups()) {
      if (options.group().isPresent() && !options.group().get().equals(g.name())) {
        continue;
      }
      for (TableSchema t : captured.tablesOf(g.name())) {
        if (options.table().isEmpty() || options.table().get().equals(t.id())) {
          out.computeIfAbsent(g.name(), k -> new ArrayList<>()).add(t);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "pipeline "
              + config.name()
              + " captures no table"
              + options.table().map(t -> " " + t).orElse("")
              + options.group().map(g -> " in group " + g).orElse(""));
    }
    return out;
  }

  /** One table: a snapshot, the wait for apply, the chunks, the rows, the rounds, the repair. */
  private TableVerdict table(
      String group,
      TableSchema table,
      VerifyOptions options,
      Instant deadline,
      ExecutorService sides)
      throws SQLException, InterruptedException {
    try (Snapshot s = snapshot();
        Connection target = openTarget()) {
      ChunkSql sql = new ChunkSql(table, version(s.source) >= 140000 && version(target) >= 140000);
      TableCheck check = new TableCheck(sql);
      Optional<String> behind = awaitReached(group, s, deadline);
      if (behind.isPresent()) {
        return new TableVerdict(
            table.id().toString(),
            group,
            0,
            0,
            0,
            List.of(),
            0,
            0,
            0,
            0,
            List.of(),
            behind.get(),
            0);
      }
      plan(sql, s.source, options.chunkRows());
      Future<Map<Long, String[]>> sourceSide =
          sides.submit(() -> TableCheck.figures(s.source, sql.chunks()));
      Future<Map<Long, String[]>> targetSide =
          sides.submit(() -> TableCheck.figures(target, sql.chunks()));
      Map<Long, String[]> src = get(sourceSide);
      Map<Long, String[]> tgt = get(targetSide);
      long sourceRows = src.values().stream().mapToLong(f -> Long.parseLong(f[0])).sum();
      long targetRows = tgt.values().stream().mapToLong(f -> Long.parseLong(f[0])).sum();
      Set<Long> all = new TreeSet<>(src.keySet());
      all.addAll(tgt.keySet());
      List<TableVerdict.DifferingChunk> differing = new ArrayList<>();
      TableCheck.Differences found = new TableCheck.Differences();
      for (long chunk : all) {
        String[] a = src.getOrDefault(chunk, new String[] {"0", "0"});
        String[] b = tgt.getOrDefault(chunk, new String[] {"0", "0"});
        if (a[0].equals(b[0]) && a[1].equals(b[1])) {
          continue;
        }
        differing.add(
            new TableVerdict.DifferingChunk(
                sql.describe(chunk), Long.parseLong(a[0]), Long.parseLong(b[0])));
        if (!table.keyless()) {
          found.addAll(check.chunk(s.source, target, chunk, s.position));
        }
      }
      if (table.keyless()) {
        return new TableVerdict(
            table.id().toString(),
            group,
            sourceRows,
            targetRows,
            all.size(),
            differing,
            0,
            0,
            0,
            0,
            List.of(),
            differing.isEmpty()
                ? ""
                : "its rows differ, and a table without a key cannot be narrowed to rows (if the"
                    + " source was changing, run verify again)",
            0);
      }
      s.close();
      settle(group, check, found, deadline);
      long repaired = 0;
      if (options.repair() && !found.judged().isEmpty()) {
        Set<TableCheck.Key> broken = found.judged();
        repaired = new Repair(config, writers).run(table, broken);
        // read the repaired keys again, against a snapshot taken after the repair
        TableCheck.Differences after = new TableCheck.Differences();
        after.unsettled.addAll(broken);
        settle(group, check, after, deadline);
        found.missing.clear();
        found.extra.clear();
        found.different.clear();
        found.addAll(after);
      }
      return new TableVerdict(
          table.id().toString(),
          group,
          sourceRows,
          targetRows,
          all.size(),
          differing,
          found.missing.size(),
          found.extra.size(),
          found.different.size(),
          found.unsettled.size(),
          samples(check, found, options.samples()),
          "",
          repaired);
    }
  }

  /**
   * Reads unsettled keys again, each round against a new snapshot once apply reached it, until none
   * is left or the deadline passed.
   */
  private void settle(
      String group, TableCheck check, TableCheck.Differences found, Instant deadline)
      throws SQLException, InterruptedException {
    while (!found.unsettled.isEmpty() && clock.instant().isBefore(deadline)) {
      Set<TableCheck.Key> again = new TreeSet<>(found.unsettled);
      found.unsettled.clear();
      try (Snapshot s = snapshot();
          Connection target = openTarget()) {
        if (awaitReached(group, s, deadline).isPresent()) {
          found.unsettled.addAll(again);
          return;
        }
        found.addAll(check.keys(s.source, target, again, s.position));
      }
    }
  }

  private static List<String> samples(TableCheck check, TableCheck.Differences d, int perKind) {
    List<String> out = new ArrayList<>();
    add(out, "missing", check, d.missing, perKind);
    add(out, "extra", check, d.extra, perKind);
    add(out, "different", check, d.different, perKind);
    add(out, "unsettled", check, d.unsettled, perKind);
    return out;
  }

  private static void add(
      List<String> out, String kind, TableCheck check, Set<TableCheck.Key> keys, int perKind) {
    keys.stream().limit(perKind).forEach(k -> out.add(kind + ": " + check.describe(k)));
  }

  /** Chunks of about {@code chunkRows} rows, sized by the source's estimate and key range. */
  static int version(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW server_version_num")) {
      rs.next();
      return Integer.parseInt(rs.getString(1).trim());
    }
  }

  static void plan(ChunkSql sql, Connection source, int chunkRows) throws SQLException {
    long estimate;
    try (Statement st = source.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = '"
                    + sql.table().id().quoted().replace("'", "''")
                    + "'::regclass")) {
      rs.next();
      estimate = rs.getLong(1);
    }
    long chunks = Math.max(1, (estimate + chunkRows - 1) / chunkRows);
    if (sql.rangeKey().isPresent()) {
      String k = TableId.quote(sql.rangeKey().get());
      try (Statement st = source.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT min(" + k + "), max(" + k + ") FROM " + sql.table().id().quoted())) {
        rs.next();
        long min = rs.getLong(1);
        if (rs.wasNull()) {
          // empty on the source: one chunk for whatever the target holds
          sql.ranges(0, 0, Long.MAX_VALUE / 4);
          return;
        }
        long max = rs.getLong(2);
        double span = (double) max - (double) min + 1;
        sql.ranges(min, max, (long) Math.max(1, Math.ceil(span / chunks)));
      }
    } else {
      sql.buckets(chunks);
    }
  }

  /**
   * Waits until every partition of the group has applied a change at or past {@code lsn}, so the
   * target holds every transaction committed before it; empty once it has, or why not by the
   * deadline.
   */
  private Optional<String> awaitApplied(String group, long lsn, Instant deadline)
      throws InterruptedException {
    int partitions = config.group(group).partitions();
    String last = "";
    while (true) {
      Map<Integer, ApplyCheckpoint> at = checkpoints.load(group);
      List<String> behind = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        ApplyCheckpoint c = at.get(p);
        if (c == null || c.lsn() < lsn) {
          behind.add(p + (c == null ? " (no checkpoint)" : " at " + describe(c.lsn())));
        }
      }
      if (behind.isEmpty()) {
        return Optional.empty();
      }
      last = String.join(", ", behind);
      if (!clock.instant().isBefore(deadline)) {
        return Optional.of(
            "not compared: apply of group "
                + group
                + " had not reached the snapshot at "
                + describe(lsn)
                + " by the deadline (partitions "
                + last
                + "); is it paused, halted or far behind?");
      }
      Thread.sleep(200);
    }
  }

  /** A position as the pipeline's capture method writes it: an LSN, or a query position. */
  private String describe(long position) {
    return config.capture().method() == CaptureMethod.QUERY
        ? "position " + position
        : new Lsn(position).toString();
  }

  /**
   * A source session in a snapshot of known position, the temporary slot already gone. For a
   * query-captured pipeline, {@code consistentLsn} is unknown (-1) when the snapshot is taken: it
   * is the position of the first poll that starts after {@code sourceMicros}.
   */
  private final class Snapshot implements AutoCloseable {
    final Connection source;
    final long position;
    final long consistentLsn;
    final long sourceMicros;

    Snapshot(Connection source, long position, long consistentLsn) {
      this(source, position, consistentLsn, 0);
    }

    Snapshot(Connection source, long position, long consistentLsn, long sourceMicros) {
      this.source = source;
      this.position = position;
      this.consistentLsn = consistentLsn;
      this.sourceMicros = sourceMicros;
    }

    @Override
    public void close() throws SQLException {
      if (!source.isClosed()) {
        source.close();
      }
    }
  }

  private Snapshot snapshot() throws SQLException {
    if (config.capture().method() == CaptureMethod.QUERY) {
      return querySnapshot();
    }
    String slot = "sluice_verify_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    try (ExportedSnapshot exported =
        ExportedSnapshot.createTemporarySlot(
            config.source(), slot, DebeziumProperties.SESSION_OPTIONS)) {
      Connection c = new SourceConnections(config.source(), "verify").open();
      try {
        session(c);
        long position = exported.position(c);
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
          st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          st.execute("SET TRANSACTION SNAPSHOT '" + exported.name() + "'");
        }
        log.debug("verify snapshot {} at position {}", exported.name(), position);
        beat();
        return new Snapshot(c, position, exported.consistentLsn());
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    }
  }

  /**
   * A snapshot of a query-captured pipeline: its position is that of the last poll stored before
   * it, whose snapshot is older, so a target row written at a higher position may be newer than
   * this snapshot and is not judged.
   */
  private Snapshot querySnapshot() throws SQLException {
    long position = queryState().completed();
    Connection c = new SourceConnections(config.source(), "verify").open();
    try {
      session(c);
      c.setAutoCommit(false);
      long micros;
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        try (ResultSet rs =
            st.executeQuery("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint")) {
          rs.next();
          micros = rs.getLong(1);
        }
      }
      return new Snapshot(c, position, -1, micros);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private QueryState queryState() {
    try (DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb())) {
      return new DynamoDbQueryStateStore(
              dynamo, new StateTables(config.dynamoDb().tablePrefix()), config.name(), clock)
          .load()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "pipeline " + config.name() + " has not started query capture yet"));
    }
  }

  /**
   * Waits until the group's target holds everything the snapshot holds: apply past the snapshot's
   * position, or for a query-captured pipeline past the first poll that started after it.
   */
  private Optional<String> awaitReached(String group, Snapshot s, Instant deadline)
      throws InterruptedException {
    if (s.consistentLsn >= 0) {
      return awaitApplied(group, s.consistentLsn, deadline);
    }
    while (true) {
      QueryState state = queryState();
      if (state.completedFromMicros() > s.sourceMicros) {
        return awaitApplied(group, state.completed(), deadline);
      }
      if (!clock.instant().isBefore(deadline)) {
        return Optional.of(
            "not compared: query capture did not complete a poll after the snapshot by the"
                + " deadline; is it running?");
      }
      Thread.sleep(200);
    }
  }

  /**
   * Writes a heartbeat after the snapshot, as capture does, so that every partition has a change
   * past the snapshot to apply now instead of at the next heartbeat. A source that refuses it (a
   * user without the right) only makes the wait longer.
   */
  private void beat() {
    if (config.capture().method() == CaptureMethod.QUERY) {
      return; // query capture writes nothing to the source; its polls carry heartbeats
    }
    try (Connection c = new SourceConnections(config.source(), "verify").open();
        Statement st = c.createStatement()) {
      st.execute(PublicationSetup.heartbeatSql(config.name()));
    } catch (SQLException e) {
      log.debug("verify could not write a heartbeat; waiting for capture's own", e);
    }
  }

  private Connection openTarget() throws SQLException {
    TargetConfig t = config.target();
    Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password().value());
    session(c);
    return c;
  }

  /** Sets the verify session's text forms on {@code c}. */
  static void session(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : SESSION) {
        st.execute(s);
      }
    }
  }

  private static <T> T get(Future<T> f) throws SQLException, InterruptedException {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
