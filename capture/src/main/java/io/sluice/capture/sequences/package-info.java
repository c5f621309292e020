/**
 * Sequences carried from the source to the target, which logical decoding does not carry: those
 * owned by a captured table's column ({@code serial} and identity columns) and free-standing ones
 * named in {@code sequences.include}. Owns reading them from the source catalog, creating them (and
 * making the target's columns generate from them) on the target, and the arithmetic that sets the
 * target's value above every value the source handed out, never moving it back.
 */
package io.sluice.capture.sequences;
