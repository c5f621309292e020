package io.sluice.capture.sequences;

/**
 * What to set a target sequence to so that it never hands out a value the source handed out: the
 * source's last value handed out plus the margin (minus, for a descending sequence), unless the
 * target is already past it, held within the target's MINVALUE and MAXVALUE.
 *
 * @param state what to {@code setval} the target to
 * @param change false when the target already stands there or beyond: nothing to set
 * @param clamped true when the margin (or the source's value itself) went past the target's bound,
 *     so the target was set to the bound instead
 */
record SequencePlan(SequenceState state, boolean change, boolean clamped) {

  /**
   * @param source the source sequence's definition; its direction decides which way is ahead
   * @param sourceState where the source stands
   * @param target the target sequence's definition (its bounds and increment rule)
   * @param targetState where the target stands now
   * @param margin added to (taken off, descending) the source's last value handed out; not negative
   */
  static SequencePlan of(
      SequenceDefinition source,
      SequenceState sourceState,
      SequenceDefinition target,
      SequenceState targetState,
      long margin) {
    if (margin < 0) {
      throw new IllegalArgumentException("margin " + margin + " is negative");
    }
    boolean down = source.descending();
    long sourceOut = sourceState.handedOut(source.increment());
    long targetOut = targetState.handedOut(target.increment());
    long wanted = saturatedAdd(sourceOut, down ? -margin : margin);
    // Held at the end of long: past any bound, as the exact sum would be.
    boolean pastEnd = wanted == (down ? Long.MIN_VALUE : Long.MAX_VALUE);
    boolean ahead = down ? wanted < targetOut : wanted > targetOut;
    if (!ahead) {
      return new SequencePlan(targetState, false, false);
    }
    SequenceState next;
    boolean clamped = false;
    if (!down && (pastEnd || wanted > target.maxValue())) {
      clamped = true;
      // Hand out MAXVALUE next if the source never did; else the target is spent, as the source.
      next = new SequenceState(target.maxValue(), sourceOut >= target.maxValue());
    } else if (down && (pastEnd || wanted < target.minValue())) {
      clamped = true;
      next = new SequenceState(target.minValue(), sourceOut <= target.minValue());
    } else if (!down && wanted < target.minValue()) {
      // Nothing handed out yet below the start: the next value is MINVALUE itself.
      next = new SequenceState(target.minValue(), false);
    } else if (down && wanted > target.maxValue()) {
      next = new SequenceState(target.maxValue(), false);
    } else {
      next = new SequenceState(wanted, true);
    }
    long nextOut = next.handedOut(target.increment());
    if (down ? nextOut >= targetOut : nextOut <= targetOut) {
      // A bound can leave no room ahead of the target: then the target stays where it is.
      return new SequencePlan(targetState, false, clamped);
    }
    return new SequencePlan(next, true, clamped);
  }

  /**
   * {@code a + b}, held at {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE} instead of wrapping.
   */
  static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }
}
