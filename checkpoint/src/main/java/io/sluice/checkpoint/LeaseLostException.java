package io.sluice.checkpoint;

import io.sluice.core.SluiceException;

/** A worker's lease on a partition expired or passed to another worker: it must stop writing. */
public final class LeaseLostException extends SluiceException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }
}
