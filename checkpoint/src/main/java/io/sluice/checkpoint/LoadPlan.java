package io.sluice.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * The stored initial load: the position its rows are written with, every chunk, which are copied
 * (with their row counts), and whether the load finished.
 *
 * @param position the source position every loaded row carries on the target: below every change
 *     the slot streams, so each streamed change wins over a loaded row
 * @param copied rows copied, by {@link LoadChunk#id()}, for the chunks that are done
 */
public record LoadPlan(
    long position, List<LoadChunk> chunks, Map<String, Long> copied, boolean finished) {
  public LoadPlan {
    chunks = List.copyOf(chunks);
    copied = Map.copyOf(copied);
  }

  /** The chunks still to copy, in plan order. */
  public List<LoadChunk> remaining() {
    return chunks.stream().filter(c -> !copied.containsKey(c.id())).toList();
  }
}
