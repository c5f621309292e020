package io.sluice.capture.internal;

import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbLoadProgressStore;
import io.sluice.checkpoint.DynamoDbOffsetBackingStore;
import io.sluice.checkpoint.Lease;
import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.LoadProgressStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.SluiceException;
import io.sluice.core.config.InitialLoad;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.ObjDoubleConsumer;
import java.util.stream.Collectors;
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
  private final Set<String> keyless;
  private Optional<LoadPlan> loadPlan = Optional.empty();
  private List<TableId> joined = List.of();

  /**
   * @param tables the captured tables
   * @param lease the capture lease this process holds, if any; the snapshot mark is written under
   *     it
   */
  public CapturePreflight(
      PipelineConfig config, Collection<TableId> tables, Optional<Lease> lease) {
    this(config, tables, lease, Set.of());
  }

  /**
   * @param keyless the captured tables without a key, as SQL names them: a copy load with one of
   *     them left is not resumed but started over
   */
  public CapturePreflight(
      PipelineConfig config,
      Collection<TableId> tables,
      Optional<Lease> lease,
      Set<String> keyless) {
    this.config = config;
    this.tables = tables;
    this.lease = lease;
    this.keyless = Set.copyOf(keyless);
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
      boolean slotExists = SlotInspector.exists(c, slot);
      boolean publicationExists = PublicationSetup.exists(c, config.source().publication());
      if (config.capture().load().method() == InitialLoad.COPY) {
        DynamoDbLoadProgressStore loads =
            new DynamoDbLoadProgressStore(dynamo, state, java.time.Clock.systemUTC());
        Optional<LoadPlan> plan = loads.plan();
        decision =
            StartCheck.decideCopy(
                config,
                slotExists,
                publicationExists,
                offset,
                plan.map(LoadPlan::finished),
                plan.stream()
                    .flatMap(p -> p.remaining().stream())
                    .noneMatch(chunk -> keyless.contains(chunk.table())));
        PublicationSetup.ensure(c, config.source().publication(), tables);
        if (decision == StartCheck.Decision.LOAD) {
          if (SlotInspector.dropIfExists(c, slot)) {
            log.warn(
                "replication slot {} of an unfinished first copy dropped (a table without a key,"
                    + " or the slot of a Kafka snapshot, cannot be resumed); pipeline {} copies"
                    + " every table anew from a new slot",
                slot,
                config.name());
          }
          // no stored offset may outlive the slot it was taken on
          DynamoDbOffsetBackingStore.markSnapshotStarting(dynamo, state, config.name(), lease);
          estimateRows(c, snapshotRows);
        } else if (decision == StartCheck.Decision.RESUME_LOAD) {
          loadPlan = plan;
        } else if (plan.isEmpty()) {
          // a stream whose rows came through the Kafka snapshot: its first copy is done, of the
          // tables captured now; a table captured later is loaded when it joins
          recordLoaded(loads);
        } else {
          findJoined(c, plan.get(), snapshotRows);
        }
      } else {
        decision =
            StartCheck.decide(
                config,
                slotExists,
                publicationExists,
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
          // the snapshot copies every table captured now; one that joins later is copied then
          recordLoaded(loads(dynamo, state));
        } else {
          DynamoDbLoadProgressStore loads = loads(dynamo, state);
          Optional<LoadPlan> plan = loads.plan();
          if (plan.isEmpty()) {
            recordLoaded(loads);
          } else {
            findJoined(c, plan.get(), snapshotRows);
          }
        }
      }
    }
    TopicSetup.ensure(
        kafka,
        config.topics(),
        config.kafka().replicationFactor(),
        config.kafka().maxMessageBytes());
    return decision;
  }

  private static DynamoDbLoadProgressStore loads(DynamoDbClient dynamo, StateTables state) {
    return new DynamoDbLoadProgressStore(dynamo, state, java.time.Clock.systemUTC());
  }

  /**
   * Records the tables captured now as loaded, with a finished plan at position 0: their rows came
   * (or are coming) through the Kafka snapshot. A table that joins later is not in it, and is
   * copied when it joins.
   */
  private void recordLoaded(LoadProgressStore loads) {
    if (lease.isEmpty()) {
      return; // only the capture lease's holder writes the load state
    }
    List<LoadChunk> known = tables.stream().map(t -> LoadChunk.whole(t.quoted(), 0)).toList();
    loads.start(LoadPlan.of(0, known, Map.of()), lease.get());
    for (LoadChunk chunk : known) {
      loads.copied(chunk, 0, lease.get());
    }
    loads.finish(lease.get());
  }

  /**
   * The captured tables the stored plan does not hold joined since it was made: they are copied
   * before capture streams again. A joined table without a key is refused.
   */
  private void findJoined(Connection c, LoadPlan plan, ObjDoubleConsumer<TableId> snapshotRows)
      throws SQLException {
    Set<String> loaded = plan.chunks().stream().map(LoadChunk::table).collect(Collectors.toSet());
    joined = tables.stream().filter(t -> !loaded.contains(t.quoted())).toList();
    List<String> keylessJoined =
        joined.stream().map(TableId::quoted).filter(keyless::contains).toList();
    if (!keylessJoined.isEmpty()) {
      throw new SluiceException(
          "tables "
              + keylessJoined
              + " joined pipeline "
              + config.name()
              + " after its initial load and have no key: their rows cannot be copied while"
              + " their changes stream (a change written in between would be added twice)."
              + " Take them out of the configuration, or give them key-columns");
    }
    if (!joined.isEmpty()) {
      loadPlan = Optional.of(plan);
      estimateRows(c, snapshotRows);
    }
  }

  /**
   * After {@link #run} decided {@link StartCheck.Decision#RESUME_LOAD}, or {@link
   * StartCheck.Decision#RESUME} with {@link #joined} tables: the stored load.
   */
  public Optional<LoadPlan> loadPlan() {
    return loadPlan;
  }

  /**
   * The captured tables the stored load plan does not hold: tables that joined the pipeline since
   * (its configuration changed, or they match a group's pattern now), whose rows are to be copied
   * before capture streams again.
   */
  public List<TableId> joined() {
    return joined;
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
