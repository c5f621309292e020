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
    RESUME,
    /** {@code copy} load: a new slot with an exported snapshot, every table copied from it. */
    LOAD,
    /** {@code copy} load: streaming goes on, and the stored load's remaining chunks are copied. */
    RESUME_LOAD
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

  /**
   * How capture starts under {@code capture.initial-load: copy}, from the slot, the publication,
   * the stored offset and the stored load plan:
   *
   * <ul>
   *   <li>{@link Decision#LOAD}: no slot and no stream to resume (a first start, or a load whose
   *       slot is gone before the load finished, which leaves the target nothing to keep), or the
   *       slot of a Kafka snapshot that did not finish: the slot is made anew and every table
   *       copied.
   *   <li>{@link Decision#RESUME_LOAD}: the slot and an unfinished load whose remaining chunks can
   *       be read in a newer snapshot: streaming goes on from the slot, and those chunks are
   *       copied. A table without a key cannot (its changes are not idempotent, so a newer snapshot
   *       and the stream would both add the rows written in between): with one left, the load
   *       starts over ({@link Decision#LOAD}).
   *   <li>{@link Decision#RESUME}: the slot, and a finished load or a stored streaming offset.
   * </ul>
   *
   * It refuses a slot with neither a load nor an offset, a finished load or a streaming offset
   * without its slot (the changes it held may be lost), and a stream without its publication, as
   * {@link #decide} does.
   *
   * @param loadPlan empty when no load was ever planned; else whether it finished
   * @param resumable whether an unfinished load's remaining chunks may be read in a newer snapshot
   */
  public static Decision decideCopy(
      PipelineConfig config,
      boolean slotExists,
      boolean publicationExists,
      Optional<Map<String, Object>> offset,
      Optional<Boolean> loadPlan,
      boolean resumable) {
    boolean loading = loadPlan.isPresent() && !loadPlan.get();
    boolean streamed = offset.isPresent() && !snapshotInterrupted(offset.get());
    if (!slotExists) {
      // once a load finished, apply streams: a slot lost then may have held changes
      if ((streamed && !loading) || loadPlan.orElse(false)) {
        throw slotGone(config);
      }
      return Decision.LOAD;
    }
    if (loading) {
      return resumable ? Decision.RESUME_LOAD : Decision.LOAD;
    }
    if (offset.isPresent() && snapshotInterrupted(offset.get())) {
      return Decision.LOAD;
    }
    if (loadPlan.isEmpty() && !streamed) {
      throw new SluiceException(
          "replication slot "
              + config.source().slot()
              + " exists but pipeline "
              + config.name()
              + " has neither a stored source offset nor an initial load, so the changes between"
              + " the slot's position and the target's state are unknown."
              + howToStartOver(config));
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
