package io.sluice.checkpoint;

import io.sluice.core.SluiceException;

/** A checkpoint write was refused because the stored state moved on without this writer. */
public final class CheckpointConflictException extends SluiceException {
  private static final long serialVersionUID = 1L;

  public CheckpointConflictException(String message) {
    super(message);
  }
}
