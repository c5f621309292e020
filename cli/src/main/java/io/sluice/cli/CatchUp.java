package io.sluice.cli;

import io.sluice.apply.GroupBacklog;
import io.sluice.checkpoint.ApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Waits until a pipeline has carried everything the source committed up to now: capture has
 * confirmed the source's current WAL position on the slot (every change is in Kafka), and every
 * group's checkpoints have reached the end of its topic (every change is in the target).
 */
public final class CatchUp {
  /** The wall clock, for the deadline of the wait. */
  private static final Clock CLOCK = Clock.systemUTC();

  private final PipelineConfig config;
  private final ApplyCheckpointStore checkpoints;

  public CatchUp(PipelineConfig config, DynamoDbClient dynamo) {
    this.config = config;
    this.checkpoints =
        new DynamoDbApplyCheckpointStore(dynamo, new StateTables(config.dynamoDb().tablePrefix()));
  }

  /** Returns false if the deadline passed first, or {@code failed} became true. */
  boolean await(Duration timeout, BooleanSupplier failed) throws Exception {
    return await(-1, timeout, failed);
  }

  /**
   * Waits until everything the source committed up to {@code position} is applied (up to its
   * current position when negative). Returns false if the deadline passed first, or {@code failed}
   * became true.
   */
  public boolean await(long position, Duration timeout, BooleanSupplier failed) throws Exception {
    Instant deadline = CLOCK.instant().plus(timeout);
    try (Connection source =
            DriverManager.getConnection(
                config.source().jdbcUrl(),
                config.source().user(),
                config.source().password().value());
        Admin admin = Admin.create(config.kafka().clientProperties())) {
      long sourceLsn = position < 0 ? walInsertPosition(source) : position;
      return pollUntil(() -> slotConfirmed(source, sourceLsn), deadline, failed)
          && pollUntil(() -> appliedToEnd(admin), deadline, failed);
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static boolean pollUntil(Check check, Instant deadline, BooleanSupplier failed)
      throws Exception {
    while (!check.holds()) {
      if (failed.getAsBoolean() || CLOCK.instant().isAfter(deadline)) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return true;
  }

  /**
   * The insert position, not {@code pg_current_wal_lsn()}: the write position can trail commits
   * already made with {@code synchronous_commit=off}, and caught up must include those.
   */
  public static long walInsertPosition(Connection source) throws SQLException {
    try (Statement st = source.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private boolean slotConfirmed(Connection source, long lsn) throws SQLException {
    try (PreparedStatement ps =
        source.prepareStatement(
            "SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots"
                + " WHERE slot_name = ?")) {
      ps.setString(1, config.source().slot());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getLong(1) >= lsn;
      }
    }
  }

  private boolean appliedToEnd(Admin admin) throws Exception {
    for (GroupConfig g : config.groups()) {
      List<Integer> partitions = GroupBacklog.allPartitions(g);
      GroupBacklog.EndOffsets ends =
          GroupBacklog.endOffsets(admin, config, Map.of(g, partitions), Duration.ofSeconds(60));
      if (ends.failure().isPresent()) {
        throw ends.failure().get();
      }
      if (!GroupBacklog.of(g.name(), partitions, ends.of(g.name()), checkpoints.load(g.name()))
          .caughtUp()) {
        return false;
      }
    }
    return true;
  }
}
