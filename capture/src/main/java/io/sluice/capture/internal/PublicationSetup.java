package io.sluice.capture.internal;

import io.sluice.capture.SourceCatalog;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the source side ready for capture: sluice's heartbeat table, and a publication that lists
 * exactly the captured tables plus the heartbeat table, and names a partition's changes after its
 * partitioned table. The publication is created or corrected before the slot exists, so the slot
 * never starts without it.
 */
public final class PublicationSetup {
  public static final TableId HEARTBEAT_TABLE =
      new TableId(SourceCatalog.SLUICE_SCHEMA, "heartbeat");
  private static final Logger log = LoggerFactory.getLogger(PublicationSetup.class);

  private PublicationSetup() {}

  /** The statement Debezium runs at each heartbeat; it upserts one row per pipeline. */
  public static String heartbeatSql(String pipeline) {
    return "INSERT INTO "
        + HEARTBEAT_TABLE.quoted()
        + " (pipeline, beat_at) VALUES ('"
        + pipeline.replace("'", "''")
        + "', now()) ON CONFLICT (pipeline) DO UPDATE SET beat_at"
        + " = EXCLUDED.beat_at";
  }

  public static void ensure(Connection c, String publication, Collection<TableId> tables)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + TableId.quote(SourceCatalog.SLUICE_SCHEMA));
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + HEARTBEAT_TABLE.quoted()
              + " (pipeline text PRIMARY KEY, beat_at timestamptz NOT NULL)");
    }
    Set<TableId> wanted = new TreeSet<>(tables);
    wanted.add(HEARTBEAT_TABLE);
    String list = wanted.stream().map(TableId::quoted).collect(Collectors.joining(", "));
    Boolean viaRoot = publishesViaRoot(c, publication);
    try (Statement st = c.createStatement()) {
      if (viaRoot == null) {
        st.execute(
            "CREATE PUBLICATION "
                + TableId.quote(publication)
                + " FOR TABLE "
                + list
                + " WITH (publish_via_partition_root = true)");
        log.info("created publication {} for {} tables", publication, wanted.size());
        return;
      }
      if (!viaRoot) {
        st.execute(
            "ALTER PUBLICATION "
                + TableId.quote(publication)
                + " SET (publish_via_partition_root = true)");
        log.info("publication {} now publishes partitions as their partitioned table", publication);
      }
      if (!publishedTables(c, publication).equals(wanted)) {
        st.execute("ALTER PUBLICATION " + TableId.quote(publication) + " SET TABLE " + list);
        log.info("publication {} now lists {} tables", publication, wanted.size());
      }
    }
  }

  /** Whether the publication exists on the source. */
  public static boolean exists(Connection c, String publication) throws SQLException {
    return CatalogQuery.first(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", publication)
        .isPresent();
  }

  /**
   * Whether the publication sends changes of a partition under its partitioned table's name, or
   * null when it does not exist. Without it, pgoutput names the partition, which is not a captured
   * table, and every streamed change of a partitioned table would be dropped.
   */
  private static Boolean publishesViaRoot(Connection c, String publication) throws SQLException {
    return CatalogQuery.first(
            c, "SELECT pubviaroot::text FROM pg_publication WHERE pubname = ?", publication)
        .map("true"::equals)
        .orElse(null);
  }

  /**
   * Tables in the publication (none when it does not exist): partitioned tables by their own name
   * once it publishes via root.
   */
  public static Set<TableId> publishedTables(Connection c, String publication) throws SQLException {
    Set<TableId> out = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TableId(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }
}
