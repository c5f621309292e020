package io.sluice.capture;

import io.sluice.capture.internal.PublicationSetup;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Set;

/**
 * The publication capture streams through: made, or corrected, to list exactly the captured tables
 * and sluice's heartbeat table, publishing a partition's changes under its partitioned table. It
 * must exist before the slot that streams through it (a cutover makes both on the new primary).
 */
public final class SourcePublication {
  private SourcePublication() {}

  public static void ensure(Connection source, String publication, Collection<TableId> tables)
      throws SQLException {
    PublicationSetup.ensure(source, publication, tables);
  }

  /** The tables the publication lists; none when it does not exist. */
  public static Set<TableId> tables(Connection source, String publication) throws SQLException {
    return PublicationSetup.publishedTables(source, publication);
  }
}
