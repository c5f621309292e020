package io.sluice.core.config;

/** A secret value (a password). {@link #toString()} masks it, so it never reaches a log. */
public record Secret(String value) {
  public Secret {
    value = value == null ? "" : value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "(empty)" : "******";
  }
}
