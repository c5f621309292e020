package io.sluice.cli.bench;

/**
 * One way of making the initial load, the first copy of every table of the source database into an
 * empty target database, as {@code sluice bench load} times it.
 *
 * <p>For each contender the harness ({@link LoadBenchmark}) creates a fresh target database, and in
 * it every table with its primary key unless {@link #createsTargetTables()}; checkpoints both
 * servers; starts the clock and the resource meter; calls {@link #load}; stops both when it
 * returns; calls {@link #afterLoad}; and then compares every table with the source by row count and
 * content hash, source columns only. Contenders run one after the other, never at once.
 *
 * <p>To add one: implement this interface and add an instance to {@link
 * LoadBenchmark#contenders()}. The contender named {@value LoadReport#SLUICE} is the one the last
 * line's ratio is about.
 */
interface LoadContender {
  /**
   * The contender's name in the output and the JSON report, of lowercase letters, digits and {@code
   * -}; its target database is {@code load_<name>} with {@code -} as {@code _}.
   */
  String name();

  /**
   * Whether {@link #load} creates the target tables itself (inside the timed interval); when false,
   * the default, the harness creates them, empty and with their primary keys, before the clock
   * starts.
   */
  default boolean createsTargetTables() {
    return false;
  }

  /**
   * Copies every table of source database {@link LoadRun#sourceDb()} into target database {@link
   * LoadRun#targetDb()} (fresh; tables created by the harness unless {@link
   * #createsTargetTables()}); returns when all rows are durable there, that is committed with
   * {@code synchronous_commit=on} or an equivalent flush.
   *
   * @throws Exception when the load failed: the harness reports the contender as failed, calls
   *     {@link #afterLoad} and goes on with the next one
   */
  void load(LoadRun run) throws Exception;

  /**
   * Stops whatever {@link #load} left running (a subscription, a pipeline), after the clock has
   * stopped and before the target is verified; also called when {@link #load} threw.
   */
  default void afterLoad(LoadRun run) throws Exception {}
}
