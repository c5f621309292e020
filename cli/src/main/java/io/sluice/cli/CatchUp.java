package io.sluice.cli;

import io.sluice.checkpoint.ApplyCheckpoint;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Waits until a pipeline has carried everything the source committed up to now: capture has
 * confirmed the source's current WAL position on the slot (every change is in Kafka), and every
 * group's checkpoints have reached the end of its topic (every change is in the target).
 */
final class CatchUp {
  private final PipelineConfig config;
  private final DynamoDbClient dynamo;

  CatchUp(PipelineConfig config, DynamoDbClient dynamo) {
    this.config = config;
    this.dynamo = dynamo;
  }

  /** Returns false if the deadline passed first, or {@code failed} became true. */
  boolean await(Duration timeout, BooleanSupplier failed) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    long sourceLsn = currentWalLsn();
    while (!slotConfirmed(sourceLsn)) {
      if (failed.getAsBoolean() || Instant.now().isAfter(deadline)) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    while (!appliedToEnd()) {
      if (failed.getAsBoolean() || Instant.now().isAfter(deadline)) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return true;
  }

  private Connection source() throws SQLException {
    return DriverManager.getConnection(
        config.source().jdbcUrl(), config.source().user(), config.source().password().value());
  }

  private long currentWalLsn() throws SQLException {
    try (Connection c = source();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private boolean slotConfirmed(long lsn) throws SQLException {
    try (Connection c = source();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      ps.setString(1, config.source().slot());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getLong(1) >= lsn;
      }
    }
  }

  private boolean appliedToEnd() throws InterruptedException, ExecutionException {
    Properties p = new Properties();
    p.putAll(config.kafka().properties());
    p.put("bootstrap.servers", config.kafka().bootstrapServers());
    DynamoDbApplyCheckpointStore store =
        new DynamoDbApplyCheckpointStore(dynamo, new StateTables(config.dynamoDb().tablePrefix()));
    try (Admin admin = Admin.create(p)) {
      for (GroupConfig g : config.groups()) {
        List<TopicPartition> parts = new ArrayList<>();
        for (int i = 0; i < g.partitions(); i++) {
          parts.add(new TopicPartition(config.topicOf(g), i));
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends =
            admin
                .listOffsets(
                    parts.stream()
                        .collect(
                            java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all()
                .get();
        Map<Integer, ApplyCheckpoint> checkpoints = store.load(g.name());
        for (TopicPartition tp : parts) {
          long end = ends.get(tp).offset();
          ApplyCheckpoint cp = checkpoints.get(tp.partition());
          if (end > 0 && (cp == null || cp.nextOffset() < end)) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
