package io.sluice.cli.control;

import io.sluice.checkpoint.LoadChunk;
import io.sluice.checkpoint.LoadPlan;
import java.util.Optional;

/**
 * The copy load as operators see it, part of {@link CaptureView}.
 *
 * @param state NONE (no copy load was planned), LOADING or FINISHED
 * @param rowsEstimated the planner's estimate of all rows, which the copied rows may pass
 */
public record LoadView(
    String state, int chunks, int chunksCopied, long rowsCopied, long rowsEstimated) {
  static final LoadView NONE = new LoadView("NONE", 0, 0, 0, 0);

  static LoadView of(Optional<LoadPlan> plan) {
    if (plan.isEmpty()) {
      return NONE;
    }
    LoadPlan p = plan.get();
    return new LoadView(
        p.finished() ? "FINISHED" : "LOADING",
        p.chunks().size(),
        p.copied().size(),
        p.copied().values().stream().mapToLong(Long::longValue).sum(),
        p.chunks().stream().mapToLong(LoadChunk::estimatedRows).sum());
  }
}
