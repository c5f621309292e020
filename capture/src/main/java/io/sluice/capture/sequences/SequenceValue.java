package io.sluice.capture.sequences;

import io.sluice.core.schema.TableId;
import java.util.Optional;

/**
 * One sequence as a carry left it.
 *
 * @param sequence the source sequence, {@code schema.name} unquoted
 * @param targetSequence the target sequence that carries it: the same name, or the sequence of a
 *     target identity column that already had one, as {@code pg_get_serial_sequence} names it
 * @param table the table whose column owns it; empty for a free-standing sequence
 * @param column the owning column; empty for a free-standing sequence
 * @param identity true for an identity column's sequence
 * @param sourceValue the last value the source had handed out, in effect
 * @param targetValue the last value the target has handed out, in effect, after the carry: the
 *     target's next value is this plus its increment
 * @param created true when this carry created the target sequence (or the column's identity)
 * @param moved true when this carry moved the target sequence
 * @param clamped true when the source's value plus the margin lay past the target's MAXVALUE
 *     (MINVALUE, descending), so the target was set to the bound, or left where it was
 */
public record SequenceValue(
    String sequence,
    String targetSequence,
    Optional<TableId> table,
    Optional<String> column,
    boolean identity,
    long sourceValue,
    long targetValue,
    boolean created,
    boolean moved,
    boolean clamped) {}
