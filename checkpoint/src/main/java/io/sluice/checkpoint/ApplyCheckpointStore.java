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
   * Stores a checkpoint, only while the writer holds the partition's lease (invariant 6: fencing).
   * A checkpoint never moves backwards: a save with a lower offset than the stored one is refused
   * with {@link CheckpointConflictException}.
   *
   * @throws LeaseLostException when the lease expired or another worker took the partition over
   */
  void save(ApplyCheckpoint checkpoint, Lease lease);
}
