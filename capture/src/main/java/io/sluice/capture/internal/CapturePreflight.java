package io.sluice.capture.internal;

import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.ObjDoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Prepares source, DynamoDB and Kafka before the Debezium engine of a capture run is created, and
 * decides how the run starts ({@link StartCheck}). In this order: DynamoDB's state tables exist;
 * the decision is taken from the slot, the publication and the stored offset; the publication lists
 * exactly the captured tables; for a snapshot, the slot of an unfinished one is dropped, the
 * offsets item records a snapshot in progress, and the planner's row estimates of the tables to
 * copy are handed on; every group's topic exists with its partition count.
 */
public final class CapturePreflight {
  private static final Logger log = LoggerFactory.getLogger(CapturePreflight.class);

  private final PipelineConfig config;
  private final Collection<TableId> tables;
  private final Optional<Lease> lease;

  /**
   * @param tables the captured tables
   * @param lease the capture lease this process holds, if any; the snapshot mark is written under
   *     it
   */
  public CapturePreflight(
      PipelineConfig config, Collection<TableId> tables, Optional<Lease> lease) {
    this.config = config;
    this.tables = tables;
    this.lease = lease;
  }

  /**
   * @param source opens the session the checks and the publication setup run on
   * @param kafka the Kafka client settings topics are created with
   * @param snapshotRows receives, when the run takes the initial snapshot, each table's row
   *     estimate
   * @return how the run starts
   * @throws SQLException when the source cannot be reached or read (retriable: the caller may try
   *     again)
   */
  public StartCheck.Decision run(
      SourceConnections source, Properties kafka, ObjDoubleConsumer<TableId> snapshotRows)
      throws SQLException, InterruptedException {
    StartCheck.Decision decision;
    try (Connection c = source.open();
        DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb())) {
      StateTables state = new StateTables(config.dynamoDb().tablePrefix());
      state.ensureExist(dynamo);
      Optional<Map<String, Object>> offset =
          DynamoDbOffsetBackingStore.storedOffset(dynamo, state, config.name());
      String slot = config.source().slot();
      decision =
          StartCheck.decide(
              config,
              SlotInspector.exists(c, slot),
              PublicationSetup.exists(c, config.source().publication()),
              offset.isPresent()
                  || DynamoDbOffsetBackingStore.itemExists(dynamo, state, config.name()),
              offset);
      PublicationSetup.ensure(c, config.source().publication(), tables);
      if (decision != StartCheck.Decision.RESUME) {
        if (decision == StartCheck.Decision.RESNAPSHOT) {
          boolean dropped = SlotInspector.dropIfExists(c, slot);
          log.warn(
              "the initial snapshot of pipeline {} did not finish; taking it anew{}: every"
                  + " table is copied again and replaces the rows the target kept",
              config.name(),
              dropped ? " from a new replication slot (" + slot + " dropped)" : "");
        }
        DynamoDbOffsetBackingStore.markSnapshotStarting(dynamo, state, config.name(), lease);
        estimateRows(c, snapshotRows);
      }
    }
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (GroupConfig g : config.groups()) {
      topics.put(config.topicOf(g), g.partitions());
    }
    TopicSetup.ensure(kafka, topics, config.kafka().replicationFactor());
    return decision;
  }

  /** The planner's row estimates of the tables the initial snapshot is about to copy. */
  private void estimateRows(Connection c, ObjDoubleConsumer<TableId> snapshotRows)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = ?::regclass")) {
      for (TableId t : tables) {
        ps.setString(1, t.quoted());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            snapshotRows.accept(t, rs.getDouble(1));
          }
        }
      }
    }
  }
}
