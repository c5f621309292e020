package io.sluice.core.event;

/** What a change did. Codes match Debezium's {@code op} field. */
public enum Op {
  /** A row read by the initial snapshot. */
  SNAPSHOT('r'),
  INSERT('c'),
  UPDATE('u'),
  DELETE('d'),
  TRUNCATE('t'),
  /**
   * The table's structure changed at the source: carries the new {@link
   * io.sluice.core.schema.TableSchema} and goes to every partition of the group, before the first
   * change written under it.
   */
  SCHEMA('s'),
  /**
   * A heartbeat committed at the source: no row, only a position and a commit time. Capture sends
   * one to every partition of every group, behind everything the source committed before it, so a
   * partition that has applied it is caught up to its commit time even while its tables are idle.
   */
  HEARTBEAT('h'),
  /**
   * The table is about to be copied anew by a snapshot whose rows take positions after this one:
   * every row of the table written at an older position is gone, and no change older than it may
   * write the table any more (as a TRUNCATE, whatever the group's truncate policy, since it is no
   * source change). Capture sends it ahead of every initial snapshot, so rows a target kept from an
   * interrupted snapshot are replaced instead of staying stale. A keyed table's goes to every
   * partition of its group; a table without a key gets it in its one partition, in stream order.
   */
  RELOAD('l');

  private final char code;

  Op(char code) {
    this.code = code;
  }

  public char code() {
    return code;
  }

  /** True for changes that leave a row behind (snapshot, insert, update). */
  public boolean isUpsert() {
    return this == SNAPSHOT || this == INSERT || this == UPDATE;
  }

  public static Op fromCode(char code) {
    for (Op op : values()) {
      if (op.code == code) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown change op code '" + code + "'");
  }
}
