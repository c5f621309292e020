package io.sluice.capture.internal;

import io.sluice.core.SluiceException;
import io.sluice.core.config.PipelineConfig;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses to start capture when the slot and the stored offset disagree, because every way of
 * carrying on would lose changes or leave stale rows without anyone noticing:
 *
 * <ul>
 *   <li>a slot without a stored offset: Debezium would stream from the slot's position, missing
 *       whatever happened before (offsets lost or deleted);
 *   <li>a stored offset without a slot: the slot was dropped or recreated, and the changes it held
 *       are gone;
 *   <li>an offset recording an unfinished initial snapshot: a second snapshot could not be taken
 *       from the slot's consistent point, so transactions in flight at its start would be lost.
 * </ul>
 *
 * Each case needs an operator's decision; the message says what to do.
 */
public final class StartCheck {
  private StartCheck() {}

  public static void verify(
      PipelineConfig config, boolean slotExists, Optional<Map<String, Object>> offset) {
    String slot = config.source().slot();
    String reset =
        " To start over, drop the slot (SELECT pg_drop_replication_slot('"
            + slot
            + "') on the"
            + " source), delete the item '"
            + config.name()
            + "' from DynamoDB table "
            + config.dynamoDb().tablePrefix()
            + "source-offsets, and empty the target tables of"
            + " the pipeline; the next start takes a fresh consistent snapshot.";
    if (offset.isEmpty()) {
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
      return;
    }
    if (!slotExists) {
      throw new SluiceException(
          "pipeline "
              + config.name()
              + " has a stored source offset but replication slot "
              + slot
              + " does not exist: it was dropped or the source failed over, and the"
              + " changes it held are lost."
              + reset);
    }
    if (Boolean.TRUE.equals(offset.get().get("snapshot"))) {
      throw new SluiceException(
          "the initial snapshot of pipeline "
              + config.name()
              + " was interrupted; resuming"
              + " it from slot "
              + slot
              + " is not possible without losing changes."
              + reset);
    }
  }
}
