package io.sluice.capture.sequences;

import io.sluice.core.schema.TableId;
import java.util.Optional;

/**
 * A source sequence to carry: its name, the column that owns it (none for a free-standing one), its
 * definition and where it stood when read.
 *
 * @param schema schema of the sequence, as the catalog holds it
 * @param name name of the sequence, as the catalog holds it
 * @param table the table whose column owns it; empty for a free-standing sequence
 * @param column the owning column; empty for a free-standing sequence
 * @param identity true for an identity column's sequence, false for a {@code serial} column's (or
 *     one made {@code OWNED BY} a column) and for a free-standing one
 * @param columnDefault true when the owning column's default draws from it ({@code nextval}), as a
 *     {@code serial} column's does
 */
public record SourceSequence(
    String schema,
    String name,
    Optional<TableId> table,
    Optional<String> column,
    boolean identity,
    boolean columnDefault,
    SequenceDefinition definition,
    SequenceState state) {

  /** {@code schema.name}, unquoted, as logs and results name the sequence. */
  public String qualified() {
    return schema + "." + name;
  }

  /** The name quoted for SQL. */
  public String quoted() {
    return TableId.quote(schema) + "." + TableId.quote(name);
  }

  /** The last value the source handed out, in effect (see {@link SequenceState#handedOut}). */
  public long handedOut() {
    return state.handedOut(definition.increment());
  }

  /**
   * Where the sequence is used, for messages: {@code column public.orders.id}, or free-standing.
   */
  String owner() {
    return table
        .map(t -> (identity ? "identity column " : "column ") + t + "." + column.get())
        .orElse("free-standing");
  }
}
