package io.sluice.capture.sequences;

/**
 * Where a sequence stands, as {@code SELECT last_value, is_called} reads it and {@code setval} sets
 * it: the next {@code nextval} returns {@code lastValue} when not called, else {@code lastValue +
 * increment}.
 */
public record SequenceState(long lastValue, boolean isCalled) {
  /** A placeholder before the value is read. */
  static final SequenceState ZERO = new SequenceState(0, false);

  /**
   * The last value handed out in effect: {@code lastValue} once called, else one increment before
   * it (held at the ends of {@code long}), which is where the next {@code nextval} starts from.
   */
  public long handedOut(long increment) {
    return isCalled ? lastValue : SequencePlan.saturatedAdd(lastValue, -increment);
  }
}
