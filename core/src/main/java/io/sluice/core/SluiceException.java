package io.sluice.core;

/**
 * Base class of every error sluice raises on purpose; the message names what, where and the fix.
 */
public class SluiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SluiceException(String message) {
    super(message);
  }

  public SluiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
