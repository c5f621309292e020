package io.sluice.capture.load;

import io.sluice.checkpoint.LoadChunk;
import java.util.List;
import java.util.Map;

/** Hears how an initial load goes, for progress in a terminal, in metrics and in logs. */
public interface LoadListener {
  /**
   * The load's chunks, and the rows already copied by an earlier run (by chunk id), before any
   * copying starts.
   */
  default void planned(List<LoadChunk> chunks, Map<String, Long> copied) {}

  /** A chunk is committed on the target. */
  default void copied(LoadChunk chunk, long rows) {}

  /** Every chunk is copied. */
  default void finished() {}

  LoadListener NONE = new LoadListener() {};
}
