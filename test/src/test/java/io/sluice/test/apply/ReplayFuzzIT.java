package io.sluice.test.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.apply.TargetSchema;
import io.sluice.apply.TargetWriter;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.event.Op;
import io.sluice.core.schema.ColumnSchema;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import io.sluice.embedded.TestIsolation;
import io.sluice.test.apply.StreamGenerator.SourceStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replay safety (DESIGN.md invariants 2 and 3) of {@link TargetWriter}, by randomized test: seeded
 * streams of inserts, updates (some leaving TOASTed columns unchanged), deletes, primary-key
 * updates and truncates over small key spaces are delivered with crashes, rollbacks, redelivery
 * from lagging checkpoints, duplicated batches and zombie writers ({@link DeliverySimulator}), and
 * after every transaction the target must equal a model that applied the delivered part of the
 * stream once.
 *
 * <p>Every case has its own seed, printed on failure. {@code -Dsluice.replay.seed=<seed>} reruns
 * that one case; {@code -Dsluice.replay.cases=<n>} runs more (or fewer) cases.
 *
 * <p>The fixed cases after the randomized one are the smallest streams found that the write path
 * gets wrong; they fail until it is fixed.
 */
class ReplayFuzzIT {
  private static final long BASE_SEED = 0x5109_CE_2026L;
  private static final int DEFAULT_CASES = 100;

  /** Two tables with a column of one name and different types, for the staging-name clash. */
  private static final TableSchema RATES_A = rates("rates_a", "numeric(10,2)");

  private static final TableSchema RATES_B = rates("rates_b", "numeric");

  private static TestIsolation slice;
  private static Connection checker;

  @BeforeAll
  static void createTarget() throws SQLException {
    slice = TestIsolation.create("replay fuzz");
    checker = slice.connectTarget();
    TargetSchema.ensure(checker, FuzzTables.ALL);
  }

  @AfterAll
  static void dropTarget() throws SQLException {
    if (checker != null) {
      checker.close();
    }
    if (slice != null) {
      slice.close();
    }
  }

  @Test
  void redeliveredStreamsLeaveTheTargetEqualToTheStreamAppliedOnce() {
    List<Long> seeds = seeds();
    List<Long> failed = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Map<String, Integer> counts = new TreeMap<>();
    long started = System.nanoTime();
    for (long seed : seeds) {
      String failure = runCase(seed, counts);
      if (failure != null) {
        failed.add(seed);
        failures.add(failure);
      }
    }
    System.out.printf(
        "%d replay cases in %d ms: %s%n",
        seeds.size(), (System.nanoTime() - started) / 1_000_000, counts);
    assertThat(failures)
        .as(
            () ->
                failures.size()
                    + " of "
                    + seeds.size()
                    + " cases failed; seeds: "
                    + failed
                    + "\n\n"
                    + String.join("\n\n", failures.subList(0, Math.min(3, failures.size()))))
        .isEmpty();
  }

  private static List<Long> seeds() {
    String one = System.getProperty("sluice.replay.seed");
    if (one != null && !one.isBlank()) {
      return List.of(Long.decode(one.trim()));
    }
    int cases = Integer.getInteger("sluice.replay.cases", DEFAULT_CASES);
    Random seeds = new Random(BASE_SEED);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      out.add(seeds.nextLong() >>> 16);
    }
    return out;
  }

  /** Runs one case; returns null when the target always matched the model, else what went wrong. */
  private static String runCase(long seed, Map<String, Integer> counts) {
    DeliverySimulator delivery = null;
    try {
      reset();
      Random sourceRandom = new Random(seed);
      SourceStream source = StreamGenerator.generate(sourceRandom, 150 + sourceRandom.nextInt(250));
      counts.merge("source changes", source.events().size(), Integer::sum);
      StreamModel once = StreamModel.of(source.events());
      for (TableSchema t : FuzzTables.ALL) {
        assertThat(once.rows(t.id()))
            .as("the model of %s against the generator's own view of the source", t.id())
            .isEqualTo(source.finalRows().get(t.id()));
      }
      Random deliveryRandom = new Random(~seed);
      List<Integer> topic = StreamGenerator.capturedTopic(deliveryRandom, source);
      TargetComparison comparison = new TargetComparison(checker, FuzzTables.ALL);
      delivery =
          new DeliverySimulator(
              deliveryRandom,
              source.events(),
              topic,
              ReplayFuzzIT::connect,
              (applied, when) -> {
                List<String> diffs = comparison.differences(StreamModel.of(applied));
                if (!diffs.isEmpty()) {
                  throw new AssertionError(
                      "after "
                          + when
                          + ", the target differs from the "
                          + applied.size()
                          + " changes delivered so far applied once:\n  "
                          + String.join("\n  ", diffs));
                }
              });
      delivery.run();
      delivery.counts().forEach((k, v) -> counts.merge(k, v, Integer::sum));
      return null;
    } catch (Exception | AssertionError e) {
      return "seed "
          + seed
          + " (rerun: -Dsluice.replay.seed="
          + seed
          + "): "
          + e
          + (delivery == null ? "" : "\n delivery, last steps:\n" + delivery.traceTail());
    }
  }

  /**
   * {@code UPDATE accounts SET id = 20 WHERE id = 2} on a row whose TOASTed {@code doc} it does not
   * touch: PostgreSQL sends {@code doc} as an unchanged TOAST datum in the new tuple (replica
   * identity default), so capture emits the delete of key 2 and an insert of key 20 that leaves
   * {@code doc} unchanged. The row must move with its {@code doc}.
   */
  @Test
  void aKeyUpdateThatLeavesAToastedColumnUnchangedStopsLoudlyInsteadOfLosingTheRow()
      throws SQLException {
    Map<String, String> row = account("2", "x".repeat(3000));
    Map<String, String> moved = new LinkedHashMap<>(row);
    moved.put("id", "20");
    moved.remove("doc");
    List<ChangeEvent> stream =
        List.of(
            event(FuzzTables.ACCOUNTS, Op.SNAPSHOT, 0, row, Set.of()),
            event(FuzzTables.ACCOUNTS, Op.DELETE, 3000, Map.of("id", "2"), Set.of()),
            event(FuzzTables.ACCOUNTS, Op.INSERT, 3000, moved, Set.of("doc")));
    reset();
    try (Connection c = connect()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TargetWriter().write(c, stream))
          .hasMessageContaining("without resending its TOASTed column(s) [doc]")
          .hasMessageContaining("REPLICA IDENTITY FULL");
      c.rollback();
    }
  }

  /**
   * A source restart in the middle of the initial snapshot: the first copy wrote rows 1 and 2 (at
   * position 0, as sluice wrote snapshot rows before), then row 1 changed and row 2 was deleted
   * while capture was down. The second snapshot, from a new slot, announces the reload and copies
   * row 1 anew; the target must hold exactly that, and the first copy's row 2, delivered again late
   * from another partition, must not come back.
   */
  @Test
  void aSnapshotTakenAgainReplacesWhatAnInterruptedOneLeft() throws SQLException {
    long restart = 0x1_6B37_4D00L;
    ChangeEvent staleTwo = event(FuzzTables.TAGS, Op.SNAPSHOT, 0, tag("2", "gone"), Set.of());
    List<ChangeEvent> stream =
        List.of(
            event(FuzzTables.TAGS, Op.SNAPSHOT, 0, tag("1", "before"), Set.of()),
            staleTwo,
            new ChangeEvent(
                FuzzTables.TAGS.id(), Op.RELOAD, restart, 0, 0, Map.of(), null, Set.of()),
            event(FuzzTables.TAGS, Op.SNAPSHOT, restart + 1, tag("1", "after"), Set.of()),
            event(FuzzTables.TAGS, Op.UPDATE, restart + 100, tag("1", "streamed"), Set.of()));
    reset();
    try (Connection c = connect()) {
      TargetWriter writer = new TargetWriter();
      writer.write(c, stream.subList(0, 2));
      c.commit();
      writer.write(c, stream.subList(2, 4));
      c.commit();
      writer.write(c, List.of(staleTwo)); // a straggler of the first copy
      c.commit();
      writer.write(c, stream.subList(4, 5));
      c.commit();
    }
    assertTargetHolds(FuzzTables.ALL, stream);
  }

  /**
   * {@link TargetWriter#write} writes inside the caller's transaction, so a caller may write two
   * consecutive batches in one. Staging rows live until commit, so the second write sees the first
   * one's rows again: here its delete of key 1, whose tombstone the truncate has since removed, so
   * that the tombstone insert meets key 1 twice.
   */
  @Test
  void consecutiveBatchesInOneTransactionApplyAsInTwo() throws SQLException {
    TableId tags = FuzzTables.TAGS.id();
    List<ChangeEvent> stream =
        List.of(
            event(FuzzTables.TAGS, Op.INSERT, 3000, tag("1", "first"), Set.of()),
            event(FuzzTables.TAGS, Op.DELETE, 3001, Map.of("id", "1"), Set.of()),
            new ChangeEvent(tags, Op.TRUNCATE, 3002, 3002, 0, Map.of(), null, Set.of()),
            event(FuzzTables.TAGS, Op.INSERT, 3003, tag("1", "again"), Set.of()),
            event(FuzzTables.TAGS, Op.DELETE, 3004, Map.of("id", "1"), Set.of()));
    reset();
    try (Connection c = connect()) {
      TargetWriter writer = new TargetWriter();
      writer.write(c, stream.subList(0, 2));
      writer.write(c, stream.subList(2, 5));
      c.commit();
    }
    assertTargetHolds(FuzzTables.ALL, stream);
  }

  /**
   * A new writer on a session an earlier writer used, as a pooled connection hands it over: each
   * writer names its staging tables {@code sluice_stg_<n>} by its own count, so the second writer's
   * first table lands in the first writer's staging table for another table.
   */
  @Test
  void aNewWriterOnAReusedSessionWritesExactValues() throws SQLException {
    List<ChangeEvent> stream =
        List.of(
            event(RATES_A, Op.INSERT, 3000, Map.of("id", "1", "v", "1.50"), Set.of()),
            event(RATES_B, Op.INSERT, 3001, Map.of("id", "1", "v", "1.23456"), Set.of()));
    reset();
    try (Connection c = connect()) {
      TargetSchema.ensure(c, List.of(RATES_A, RATES_B));
      try (Statement st = c.createStatement()) {
        st.execute("TRUNCATE " + RATES_A.id().quoted() + ", " + RATES_B.id().quoted());
      }
      c.commit();
      new TargetWriter().write(c, stream.subList(0, 1));
      c.commit();
      new TargetWriter().write(c, stream.subList(1, 2));
      c.commit();
    }
    assertTargetHolds(List.of(RATES_A, RATES_B), stream);
  }

  private static void assertTargetHolds(List<TableSchema> tables, List<ChangeEvent> stream)
      throws SQLException {
    assertThat(new TargetComparison(checker, tables).differences(StreamModel.of(stream)))
        .as("differences between the target and the stream applied once")
        .isEmpty();
  }

  private static ChangeEvent event(
      TableSchema t, Op op, long lsn, Map<String, String> values, Set<String> unchanged) {
    Map<String, String> key = new LinkedHashMap<>();
    t.keyColumns().forEach(k -> key.put(k, values.get(k)));
    return new ChangeEvent(
        t.id(), op, lsn, lsn, 0, key, op == Op.DELETE ? null : values, unchanged);
  }

  private static Map<String, String> account(String id, String doc) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("owner", "o");
    row.put("balance", "1.50");
    row.put("opened", "2024-02-29");
    row.put("flags", "{}");
    row.put("doc", doc);
    return row;
  }

  private static Map<String, String> tag(String id, String label) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("label", label);
    row.put("active", "t");
    row.put("uid", "00000000-0000-0000-0000-000000000001");
    return row;
  }

  private static TableSchema rates(String name, String type) {
    return new TableSchema(
        new TableId("fuzz", name),
        List.of(new ColumnSchema("id", "integer", false), new ColumnSchema("v", type, true)),
        List.of("id"));
  }

  private static Connection connect() throws SQLException {
    Connection c = slice.connectTarget();
    c.setAutoCommit(false);
    return c;
  }

  private static void reset() throws SQLException {
    try (Statement st = checker.createStatement()) {
      st.execute(
          "TRUNCATE "
              + FuzzTables.ALL.stream().map(t -> t.id().quoted()).collect(Collectors.joining(", "))
              + ", "
              + TargetSchema.SLUICE_SCHEMA
              + ".tombstones, "
              + TargetSchema.SLUICE_SCHEMA
              + ".truncations");
    }
  }
}
