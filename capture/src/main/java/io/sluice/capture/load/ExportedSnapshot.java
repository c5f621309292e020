package io.sluice.capture.load;

import io.sluice.core.config.SourceConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGConnection;
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
final class ExportedSnapshot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportedSnapshot.class);

  private final Connection replication;
  private final String name;
  private final String consistentPoint;

  private ExportedSnapshot(Connection replication, String name, String consistentPoint) {
    this.replication = replication;
    this.name = name;
    this.consistentPoint = consistentPoint;
  }

  /** Creates the pipeline's slot (pgoutput) and holds its exported snapshot. */
  static ExportedSnapshot createSlot(SourceConfig source, String sessionOptions)
      throws SQLException {
    return create(source, source.slot(), false, sessionOptions);
  }

  /**
   * Creates a temporary slot of the given name, which the server drops when this closes, and holds
   * its exported snapshot: a snapshot with a known position, for a reload.
   */
  static ExportedSnapshot createTemporarySlot(
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
      return new ExportedSnapshot(c, info.getSnapshotName(), info.getConsistentPoint().asString());
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** The snapshot's name, for {@code SET TRANSACTION SNAPSHOT}. */
  String name() {
    return name;
  }

  /** Where the slot's stream starts. */
  String consistentPoint() {
    return consistentPoint;
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
