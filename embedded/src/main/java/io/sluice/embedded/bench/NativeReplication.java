package io.sluice.embedded.bench;

import io.sluice.core.Lsn;
import io.sluice.core.schema.TableId;
import io.sluice.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * PostgreSQL's own logical replication between the benchmark's two servers: a publication of the
 * benchmark tables on the source and a subscription in a separate target database.
 *
 * <p>For the apply benchmark ({@link #create}) the subscription is created disabled with {@code
 * copy_data=false} (both sides are preloaded identically), {@code binary=true} and {@code
 * streaming=parallel}. Creating it creates its slot on the source, so every change after that is
 * kept for it while it is disabled.
 *
 * <p>For the load benchmark ({@link #createCopying}) it is created enabled with {@code
 * copy_data=true}: PostgreSQL's initial table synchronization copies every table into the empty
 * target, and {@link #synchronizedTables} tells when each has reached state ready.
 */
public final class NativeReplication implements AutoCloseable {
  /** The wall clock, for deadlines. */
  private static final Clock CLOCK = Clock.systemUTC();

  /** Name of the publication, the subscription and its slot. */
  public static final String NAME = "sluice_bench_native";

  private final EmbeddedPostgres source;
  private final String sourceDatabase;
  private final EmbeddedPostgres target;
  private final String targetDatabase;
  private Connection sourcePoll;
  private Connection targetPoll;

  private NativeReplication(
      EmbeddedPostgres source,
      String sourceDatabase,
      EmbeddedPostgres target,
      String targetDatabase) {
    this.source = source;
    this.sourceDatabase = sourceDatabase;
    this.target = target;
    this.targetDatabase = targetDatabase;
  }

  /** Creates the publication and the disabled subscription (and with it the slot). */
  public static NativeReplication create(
      EmbeddedPostgres source,
      String sourceDatabase,
      EmbeddedPostgres target,
      String targetDatabase,
      List<TableId> tables)
      throws SQLException {
    return create(
        source,
        sourceDatabase,
        target,
        targetDatabase,
        tables,
        "enabled = false, copy_data = false, binary = true, streaming = parallel");
  }

  /**
   * Creates the publication and an enabled subscription that first copies every table (the initial
   * table synchronization, in binary), into tables that must exist, empty, in {@code
   * targetDatabase}. Its workers commit with {@code synchronous_commit=on}, so that a table in
   * state ready is durable on the target.
   */
  public static NativeReplication createCopying(
      EmbeddedPostgres source,
      String sourceDatabase,
      EmbeddedPostgres target,
      String targetDatabase,
      List<TableId> tables)
      throws SQLException {
    return create(
        source,
        sourceDatabase,
        target,
        targetDatabase,
        tables,
        "copy_data = true, binary = true, synchronous_commit = 'on'");
  }

  private static NativeReplication create(
      EmbeddedPostgres source,
      String sourceDatabase,
      EmbeddedPostgres target,
      String targetDatabase,
      List<TableId> tables,
      String options)
      throws SQLException {
    String list = tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
    try (Connection c = source.connect(sourceDatabase);
        Statement st = c.createStatement()) {
      st.execute("CREATE PUBLICATION " + NAME + " FOR TABLE " + list);
    }
    String conninfo =
        "host=%s port=%d dbname=%s user=%s application_name=%s"
            .formatted(source.host(), source.port(), sourceDatabase, source.user(), NAME);
    try (Connection c = target.connect(targetDatabase);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE SUBSCRIPTION "
              + NAME
              + " CONNECTION '"
              + conninfo
              + "' PUBLICATION "
              + NAME
              + " WITH ("
              + options
              + ")");
    }
    return new NativeReplication(source, sourceDatabase, target, targetDatabase);
  }

  /** Starts applying: the launcher starts the subscription's apply worker. */
  public void enable() throws SQLException {
    try (Connection c = target.connect(targetDatabase);
        Statement st = c.createStatement()) {
      st.execute("ALTER SUBSCRIPTION " + NAME + " ENABLE");
    }
  }

  /**
   * Stops applying and waits until the apply worker has exited and the slot is inactive, so that
   * nothing of the next workload is applied before the drain is timed.
   */
  public void disable(Duration timeout) throws SQLException, InterruptedException {
    try (Connection c = target.connect(targetDatabase);
        Statement st = c.createStatement()) {
      st.execute("ALTER SUBSCRIPTION " + NAME + " DISABLE");
    }
    Instant deadline = CLOCK.instant().plus(timeout);
    while (workerRunning() || slotActive()) {
      if (CLOCK.instant().isAfter(deadline)) {
        throw new IllegalStateException(
            "subscription " + NAME + " still running " + timeout.toSeconds() + " s after DISABLE");
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /**
   * The slot's {@code confirmed_flush_lsn} on the source: what the subscriber has made durable.
   * Polls over one kept connection, so frequent polling does not start a backend each time.
   */
  public synchronized Lsn confirmedFlush() throws SQLException {
    if (sourcePoll == null) {
      sourcePoll = source.connect(sourceDatabase);
    }
    try (PreparedStatement ps =
        sourcePoll.prepareStatement(
            "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, NAME);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) {
          throw new IllegalStateException("slot " + NAME + " is missing on " + source);
        }
        return Lsn.parse(rs.getString(1));
      }
    }
  }

  /**
   * How many of the subscription's tables are in each state of {@code pg_subscription_rel}: {@code
   * i} (initializing), {@code d} (copying), {@code f} (copied), {@code s} (synchronized) and {@code
   * r} (ready), absent states left out. Polls over one kept connection to the target.
   */
  public synchronized Map<String, Long> synchronizedTables() throws SQLException {
    if (targetPoll == null) {
      targetPoll = target.connect(targetDatabase);
    }
    Map<String, Long> states = new TreeMap<>();
    try (PreparedStatement ps =
        targetPoll.prepareStatement(
            "SELECT r.srsubstate::text, count(*) FROM pg_subscription_rel r"
                + " JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = ? GROUP BY 1")) {
      ps.setString(1, NAME);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          states.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return states;
  }

  /**
   * How often the subscription's apply and table synchronization workers failed, if the target's
   * statistics show a failure.
   */
  public Optional<String> applyErrors() throws SQLException {
    try (Connection c = target.connect(targetDatabase);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT apply_error_count, sync_error_count FROM pg_stat_subscription_stats"
                    + " WHERE subname = ?")) {
      ps.setString(1, NAME);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && rs.getLong(1) + rs.getLong(2) > 0) {
          return Optional.of(
              rs.getLong(1)
                  + " apply errors and "
                  + rs.getLong(2)
                  + " table synchronization errors (see the target server's log under "
                  + target
                  + ")");
        }
        return Optional.empty();
      }
    }
  }

  private boolean workerRunning() throws SQLException {
    try (Connection c = target.connect(targetDatabase);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_subscription WHERE subname = ? AND pid IS NOT NULL")) {
      ps.setString(1, NAME);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  private boolean slotActive() throws SQLException {
    try (Connection c = source.connect(sourceDatabase);
        PreparedStatement ps =
            c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, NAME);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** Drops the subscription (and with it the slot) and the publication. */
  @Override
  public synchronized void close() throws SQLException {
    if (sourcePoll != null) {
      sourcePoll.close();
      sourcePoll = null;
    }
    if (targetPoll != null) {
      targetPoll.close();
      targetPoll = null;
    }
    try (Connection c = target.connect(targetDatabase);
        Statement st = c.createStatement()) {
      st.execute("DROP SUBSCRIPTION IF EXISTS " + NAME);
    }
    try (Connection c = source.connect(sourceDatabase);
        Statement st = c.createStatement()) {
      st.execute("DROP PUBLICATION IF EXISTS " + NAME);
    }
  }
}
