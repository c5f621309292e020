package io.sluice.checkpoint;

import java.util.Map;

/**
 * Durable apply progress per group partition. Written only after the target transaction that
 * applied the records has committed, so a checkpoint never leads the target.
 */
public interface ApplyCheckpointStore {
  /** The stored checkpoints of a group, by partition; partitions never applied are absent. */
  Map<Integer, ApplyCheckpoint> load(String group);

  /**
   * Stores a checkpoint. A checkpoint never moves backwards: a save with a lower offset than the
   * stored one is refused with {@link CheckpointConflictException}.
   */
  void save(ApplyCheckpoint checkpoint);
}
