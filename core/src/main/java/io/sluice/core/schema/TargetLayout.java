package io.sluice.core.schema;

/** What sluice adds to a captured table on the target. */
public final class TargetLayout {
  /** Source position (WAL LSN) of the change that last wrote a target row. */
  public static final String POSITION_COLUMN = "_sluice_lsn";

  private TargetLayout() {}
}
