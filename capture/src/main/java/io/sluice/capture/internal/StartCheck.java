package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.config.PipelineConfig;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, from the replication slot, the publication and what DynamoDB holds, how capture starts:
 *
 * <ul>
 *   <li>{@link Decision#SNAPSHOT}: nothing stored and no slot, a first start: Debezium creates the
 *       slot with an exported snapshot and copies every table from it.
 *   <li>{@link Decision#RESNAPSHOT}: an initial snapshot was under way and did not finish (the
 *       offsets item records a snapshot in progress, or it was written before the engine stored any
 *       offset). Its slot holds nothing anyone confirmed and its exported snapshot is gone, so the
 *       slot is dropped and the snapshot taken anew from a new slot; capture announces each table's
 *       reload ahead of its rows, so rows the target kept from the interrupted copy are replaced.
 *       No person is needed.
 *   <li>{@link Decision#RESUME}: a finished snapshot or streaming offset and its slot: streaming
 *       goes on from the stored offset.
 * </ul>
 *
 * It refuses, because every way of carrying on would lose changes and only a person can decide what
 * to do about them: a slot without any stored item (offsets deleted, or the table prefix changed:
 * Debezium would stream from the slot's position, missing what came before); a streaming offset
 * without its slot (dropped, or lost in a failover: the changes it held are gone); a streaming
 * offset whose publication was dropped (the source cannot decode the WAL written since).
 */
public final class StartCheck {
  /** How capture starts. */
  public enum Decision {
    SNAPSHOT,
    RESNAPSHOT,
    RESUME
  }

  private StartCheck() {}

  /**
   * @param itemExists whether DynamoDB holds the pipeline's offsets item at all
   * @param offset the stored offset, empty when the item holds none
   */
  public static Decision decide(
      PipelineConfig config,
      boolean slotExists,
      boolean publicationExists,
      boolean itemExists,
      Optional<Map<String, Object>> offset) {
    String slot = config.source().slot();
    String reset = howToStartOver(config);
    if (offset.isEmpty()) {
      if (itemExists) {
        return Decision.RESNAPSHOT;
      }
      if (slotExists) {
        throw new SluiceException(
            "replication slot "
                + slot
                + " exists but pipeline "
                + config.name()
                + " has no"
                + " stored source offset, so the changes between the slot's position and the"
                + " target's state are unknown."
                + reset);
      }
      return Decision.SNAPSHOT;
    }
    if (snapshotInterrupted(offset.get())) {
      return Decision.RESNAPSHOT;
    }
    if (!slotExists) {
      throw slotGone(config);
    }
    if (!publicationExists) {
      throw publicationGone(config);
    }
    return Decision.RESUME;
  }

  /** The refusal for a pipeline whose slot is gone: the changes it held are lost. */
  public static SluiceException slotGone(PipelineConfig config) {
    return new SluiceException(
        "pipeline "
            + config.name()
            + " has a stored source offset but replication slot "
            + config.source().slot()
            + " does not exist: it was dropped or the source failed over, and the"
            + " changes it held are lost."
            + howToStartOver(config));
  }

  /** The refusal for a pipeline whose publication is gone: its WAL cannot be decoded. */
  public static SluiceException publicationGone(PipelineConfig config) {
    return new SluiceException(
        "publication "
            + config.source().publication()
            + " of pipeline "
            + config.name()
            + " does not exist: it was dropped while the slot kept the WAL written since, which"
            + " the source cannot decode without it, so those changes cannot be captured."
            + howToStartOver(config));
  }

  private static String howToStartOver(PipelineConfig config) {
    return " To start over with a fresh snapshot, drop the slot (SELECT pg_drop_replication_slot('"
        + config.source().slot()
        + "') on the source) and delete the item '"
        + config.name()
        + "' from DynamoDB table "
        + config.dynamoDb().tablePrefix()
        + "source-offsets; the next start copies every table anew and replaces the rows the"
        + " target holds.";
  }

  /**
   * Whether a stored offset is one of an initial snapshot that had not finished. Debezium 3.x
   * writes {@code "snapshot": "INITIAL"} with {@code "snapshot_completed"} and {@code
   * "last_snapshot_record"}; older versions wrote {@code "snapshot": true}. An offset at the
   * snapshot's last record counts as finished: Debezium streams on from it.
   */
  static boolean snapshotInterrupted(Map<String, Object> offset) {
    Object snapshot = offset.get("snapshot");
    boolean snapshotting =
        Boolean.TRUE.equals(snapshot) || "true".equals(snapshot) || "INITIAL".equals(snapshot);
    return snapshotting
        && !truthy(offset.get("snapshot_completed"))
        && !truthy(offset.get("last_snapshot_record"));
  }

  private static boolean truthy(Object v) {
    return Boolean.TRUE.equals(v) || "true".equals(v);
  }
}
