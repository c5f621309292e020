package io.sluice.capture.load;

import io.sluice.checkpoint.LoadChunk;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableSchema;
import io.sluice.core.schema.TargetLayout;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Copies one chunk from the source straight into the target: the source's {@code COPY (SELECT ...)
 * TO STDOUT} streamed into the target's {@code COPY ... FROM STDIN}, binary where both ends read
 * the bytes alike, with every row's position column set to the load's position. The chunk's key
 * range is emptied first in the same target transaction, so a chunk copied again (after a crash
 * between the target's commit and the progress record) replaces its rows instead of doubling them.
 *
 * <p>Generated columns are left out: the target generates them.
 */
final class ChunkCopy {
  /** Bytes gathered before they are handed to the target, about a network write's worth. */
  private static final int BUFFER = 256 * 1024;

  private ChunkCopy() {}

  /**
   * Copies the chunk inside the caller's transactions: {@code source} reads in the load's snapshot,
   * {@code target} commits after this returns.
   *
   * @return the rows copied
   */
  static long copy(
      Connection source, Connection target, TableSchema table, LoadChunk chunk, long position)
      throws SQLException {
    List<ColumnSchema> columns = table.columns().stream().filter(c -> !c.isGenerated()).toList();
    String list = columns.stream().map(ColumnSchema::quotedName).collect(Collectors.joining(", "));
    String format = binaryReadsAlike(table) ? "binary" : "text";
    String where = where(chunk);
    try (Statement st = target.createStatement()) {
      st.executeUpdate("DELETE FROM " + table.id().quoted() + where);
    }
    CopyOut out =
        source
            .unwrap(PGConnection.class)
            .getCopyAPI()
            .copyOut(
                "COPY (SELECT "
                    + list
                    + ", "
                    + position
                    + "::bigint FROM "
                    + table.id().quoted()
                    + where
                    + ") TO STDOUT (FORMAT "
                    + format
                    + ")");
    CopyIn in;
    try {
      in =
          target
              .unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(
                  "COPY "
                      + table.id().quoted()
                      + " ("
                      + list
                      + ", "
                      + TargetLayout.POSITION_COLUMN
                      + ") FROM STDIN (FORMAT "
                      + format
                      + ")");
    } catch (SQLException | RuntimeException e) {
      out.cancelCopy();
      throw e;
    }
    try {
      byte[] buffer = new byte[BUFFER];
      int filled = 0;
      byte[] piece;
      while ((piece = out.readFromCopy()) != null) {
        if (filled + piece.length > buffer.length) {
          in.writeToCopy(buffer, 0, filled);
          filled = 0;
        }
        if (piece.length > buffer.length) {
          in.writeToCopy(piece, 0, piece.length);
        } else {
          System.arraycopy(piece, 0, buffer, filled, piece.length);
          filled += piece.length;
        }
      }
      if (filled > 0) {
        in.writeToCopy(buffer, 0, filled);
      }
      return in.endCopy();
    } catch (SQLException | RuntimeException e) {
      if (out.isActive()) {
        out.cancelCopy();
      }
      if (in.isActive()) {
        in.cancelCopy();
      }
      throw e;
    }
  }

  /** The chunk's key range as a WHERE clause, or nothing for a whole table. */
  static String where(LoadChunk chunk) {
    if (chunk.keyColumn().isEmpty()) {
      return "";
    }
    String key = quote(chunk.keyColumn().get());
    StringBuilder w = new StringBuilder();
    chunk.lower().ifPresent(v -> w.append(key).append(" >= ").append(Long.parseLong(v)));
    chunk
        .upper()
        .ifPresent(
            v ->
                w.append(w.length() > 0 ? " AND " : "")
                    .append(key)
                    .append(" < ")
                    .append(Long.parseLong(v)));
    return w.length() == 0 ? "" : " WHERE " + w;
  }

  /**
   * Whether binary COPY carries the table: an array's binary form names its element type's oid,
   * which differs between the servers for a type created on each (an enum, a domain, an extension's
   * type), so such tables travel as text.
   */
  static boolean binaryReadsAlike(TableSchema table) {
    return table.types().isEmpty()
        || table.columns().stream().noneMatch(c -> c.type().endsWith("]"));
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
