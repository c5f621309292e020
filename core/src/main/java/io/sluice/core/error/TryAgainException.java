package io.sluice.core.error;

import io.sluice.core.SluiceException;

/**
 * An error sluice raises itself that trying again resolves, without a person: the classifier calls
 * it {@link ErrorClass#RETRIABLE}. The message says what happened and what the next attempt does.
 */
public class TryAgainException extends SluiceException {
  private static final long serialVersionUID = 1L;

  public TryAgainException(String message) {
    super(message);
  }
}
