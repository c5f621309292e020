package io.sluice.checkpoint;

import java.util.List;
import java.util.Optional;

/**
 * Where the initial load keeps its place, so a crash resumes the remaining chunks instead of
 * starting over. Every write is fenced by the capture lease: a process that lost it cannot record
 * progress.
 */
public interface LoadProgressStore {
  /** The stored plan with its progress; empty when no load was planned. */
  Optional<LoadPlan> plan();

  /** Stores a new plan, every chunk to copy, after removing any earlier one. */
  void start(LoadPlan plan, Lease lease);

  /**
   * Adds chunks to a stored plan, to copy after the others (tables that joined the pipeline), and
   * makes it unfinished until they are copied.
   */
  void extend(List<LoadChunk> chunks, Lease lease);

  /** Records that a chunk is copied and committed on the target, with its rows. */
  void copied(LoadChunk chunk, long rows, Lease lease);

  /** Records that every chunk is copied. */
  void finish(Lease lease);
}
