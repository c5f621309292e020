package io.sluice.capture.sequences;

/**
 * What {@code CREATE SEQUENCE} says of a sequence, as {@code pg_sequence} holds it.
 *
 * @param dataType {@code smallint}, {@code integer} or {@code bigint}
 * @param increment negative for a descending sequence; never 0
 */
public record SequenceDefinition(
    String dataType,
    long increment,
    long minValue,
    long maxValue,
    long start,
    long cache,
    boolean cycle) {
  public SequenceDefinition {
    if (increment == 0) {
      throw new IllegalArgumentException("a sequence's increment is never 0");
    }
  }

  public boolean descending() {
    return increment < 0;
  }

  /** The options as {@code CREATE SEQUENCE} and an identity column's options take them. */
  String options() {
    return "INCREMENT BY "
        + increment
        + " MINVALUE "
        + minValue
        + " MAXVALUE "
        + maxValue
        + " START WITH "
        + start
        + " CACHE "
        + cache
        + (cycle ? " CYCLE" : " NO CYCLE");
  }
}
