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
 * @param streamStart per group topic partition ({@link #partitionKey}), the first offset of the
 *     load's stream: what the topics held before the load's slot streamed (changes of an earlier
 *     slot) is not applied
 */
public record LoadPlan(
    long position,
    List<LoadChunk> chunks,
    Map<String, Long> copied,
    boolean finished,
    Map<String, Long> streamStart) {
  public LoadPlan {
    chunks = List.copyOf(chunks);
    copied = Map.copyOf(copied);
    streamStart = Map.copyOf(streamStart);
  }

  /** A new plan: nothing copied yet. */
  public static LoadPlan of(long position, List<LoadChunk> chunks, Map<String, Long> streamStart) {
    return new LoadPlan(position, chunks, Map.of(), false, streamStart);
  }

  /** How {@link #streamStart} names a topic partition. */
  public static String partitionKey(String topic, int partition) {
    return topic + "/" + partition;
  }

  /** The chunks still to copy, in plan order. */
  public List<LoadChunk> remaining() {
    return chunks.stream().filter(c -> !copied.containsKey(c.id())).toList();
  }
}
