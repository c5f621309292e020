package io.sluice.capture.internal;

import io.sluice.core.config.SourceConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.ReplicationSlotInfo;
import org.postgresql.replication.fluent.logical.ChainedLogicalCreateSlotBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's replication slot, created on a replication connection that exports the snapshot
 * the slot starts from: a session that imports it ({@code SET TRANSACTION SNAPSHOT}) sees exactly
 * what was committed before the slot's first change. The snapshot lives while this connection stays
 * open and idle; close it once every loader session has imported it.
 */
public final class ExportedSnapshot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportedSnapshot.class);

  private final Connection replication;
  private final String name;
  private final String consistentPoint;
  private final long consistentLsn;
  private final String slot;

  private ExportedSnapshot(
      Connection replication, String name, LogSequenceNumber consistentPoint, String slot) {
    this.replication = replication;
    this.name = name;
    this.consistentPoint = consistentPoint.asString();
    this.consistentLsn = consistentPoint.asLong();
    this.slot = slot;
  }

  /** Creates the pipeline's slot (pgoutput) and holds its exported snapshot. */
  public static ExportedSnapshot createSlot(SourceConfig source, String sessionOptions)
      throws SQLException {
    return create(source, source.slot(), false, sessionOptions);
  }

  /**
   * Creates a temporary slot of the given name, which the server drops when this closes, and holds
   * its exported snapshot: a snapshot with a known position, for a reload.
   */
  public static ExportedSnapshot createTemporarySlot(
      SourceConfig source, String slot, String sessionOptions) throws SQLException {
    return create(source, slot, true, sessionOptions);
  }

  private static ExportedSnapshot create(
      SourceConfig source, String slot, boolean temporary, String sessionOptions)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", source.user());
    p.setProperty("password", source.password().value());
    p.setProperty("options", sessionOptions);
    p.setProperty("replication", "database");
    p.setProperty("assumeMinServerVersion", "10");
    p.setProperty("preferQueryMode", "simple");
    Connection c = DriverManager.getConnection(source.jdbcUrl(), p);
    try {
      ChainedLogicalCreateSlotBuilder builder =
          c.unwrap(PGConnection.class)
              .getReplicationAPI()
              .createReplicationSlot()
              .logical()
              .withSlotName(slot)
              .withOutputPlugin("pgoutput");
      if (temporary) {
        builder = builder.withTemporaryOption();
      }
      ReplicationSlotInfo info = builder.make();
      if (info.getSnapshotName() == null) {
        throw new SQLException(
            "replication slot " + slot + " was created without an exported snapshot");
      }
      log.info(
          "{}replication slot {} created at {}; exported snapshot {}",
          temporary ? "temporary " : "",
          slot,
          info.getConsistentPoint(),
          info.getSnapshotName());
      return new ExportedSnapshot(c, info.getSnapshotName(), info.getConsistentPoint(), slot);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The snapshot's name, for {@code SET TRANSACTION SNAPSHOT}. */
  public String name() {
    return name;
  }

  /** Where the slot's stream starts. */
  public String consistentPoint() {
    return consistentPoint;
  }

  /**
   * Where the slot's stream starts, as a number: every transaction committed before it is in the
   * snapshot, every one committed after it is not.
   */
  public long consistentLsn() {
    return consistentLsn;
  }

  /** The slot's name. */
  public String slot() {
    return slot;
  }

  /**
   * A position below every change the slot would stream and above every change not in the snapshot:
   * one below the slot's restart position. A change at or below it is in the snapshot (its
   * transaction was running when the slot began and ended before the snapshot was taken, or ended
   * earlier); so a row written at this position with the snapshot's value loses to every change
   * that might not be in the snapshot.
   */
  public long position(Connection c) throws SQLException {
    return SlotInspector.restartLsn(c, slot).value() - 1;
  }

  /** Ends the snapshot: sessions that imported it keep it; no new one can. */
  @Override
  public void close() {
    try {
      replication.close();
    } catch (SQLException e) {
      log.debug("closing the replication connection of the exported snapshot failed", e);
    }
  }
}
