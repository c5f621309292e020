package io.sluice.test.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.apply.TargetSchema;
import io.sluice.core.event.ChangeEvent;
import io.sluice.core.schema.TableSchema;
import io.sluice.test.apply.DeliverySimulator.Options;
import io.sluice.test.apply.StreamGenerator.SourceStream;
import io.sluice.test.embedded.TestIsolation;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replay safety (DESIGN.md invariants 2 and 3) of {@link io.sluice.apply.TargetWriter}, by
 * randomized test: seeded streams of inserts, updates (some leaving TOASTed columns unchanged),
 * deletes, primary-key updates and truncates over small key spaces are delivered with crashes,
 * rollbacks, redelivery from lagging checkpoints, duplicated batches and zombie writers, and the
 * target must equal a model that applied each stream once.
 *
 * <p>Every case has its own seed, printed on failure. {@code -Dsluice.replay.seed=<seed>} reruns
 * that one case; {@code -Dsluice.replay.cases=<n>} runs more (or fewer) cases.
 */
class ReplayFuzzIT {
  private static final long BASE_SEED = 0x5109_CE_2026L;
  private static final int DEFAULT_CASES = 60;

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
    runCases(Options.WORKER, 0);
  }

  private static void runCases(Options options, long salt) {
    List<Long> seeds = seeds(salt);
    List<String> failures = new ArrayList<>();
    List<Long> failed = new ArrayList<>();
    long started = System.nanoTime();
    for (long seed : seeds) {
      String failure = runCase(seed, options);
      if (failure != null) {
        failures.add(failure);
        failed.add(seed);
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("%d replay cases (%s) in %d ms%n", seeds.size(), options, millis);
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

  private static List<Long> seeds(long salt) {
    String one = System.getProperty("sluice.replay.seed");
    if (one != null && !one.isBlank()) {
      return List.of(Long.decode(one.trim()));
    }
    int cases = Integer.getInteger("sluice.replay.cases", DEFAULT_CASES);
    Random seeds = new Random(BASE_SEED ^ salt);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      out.add(seeds.nextLong() >>> 16);
    }
    return out;
  }

  /** Runs one case; returns null when the target matched the model, else what went wrong. */
  private static String runCase(long seed, Options options) {
    String rerun = "seed " + seed + " (rerun: -Dsluice.replay.seed=" + seed + ")";
    DeliverySimulator delivery = null;
    try {
      reset();
      Random sourceRandom = new Random(seed);
      SourceStream source = StreamGenerator.generate(sourceRandom, 150 + sourceRandom.nextInt(250));
      checkModel(source);
      Random deliveryRandom = new Random(~seed);
      List<Integer> topic = StreamGenerator.capturedTopic(deliveryRandom, source);
      StreamModel model = new StreamModel();
      TargetComparison comparison = new TargetComparison(checker, FuzzTables.ALL);
      List<ChangeEvent> events = source.events();
      delivery =
          new DeliverySimulator(
              deliveryRandom,
              events,
              topic,
              () -> {
                Connection c = slice.connectTarget();
                c.setAutoCommit(false);
                return c;
              },
              (streamEnd, when) -> {
                while (model.applied() < streamEnd) {
                  model.apply(events.get(model.applied()));
                }
                List<String> diffs = comparison.differences(model);
                if (!diffs.isEmpty()) {
                  throw new AssertionError(
                      "after "
                          + when
                          + ", the target differs from the stream applied once up to event "
                          + streamEnd
                          + ":\n  "
                          + String.join("\n  ", diffs));
                }
              },
              options);
      delivery.run();
      return null;
    } catch (Exception | AssertionError e) {
      return rerun
          + ": "
          + e
          + (delivery == null ? "" : "\n delivery, last steps:\n" + delivery.traceTail());
    }
  }

  /** The model must agree with the generator's own view of the source, or either one is wrong. */
  private static void checkModel(SourceStream source) {
    StreamModel once = new StreamModel();
    source.events().forEach(once::apply);
    for (TableSchema t : FuzzTables.ALL) {
      assertThat(once.rows(t.id()))
          .as("model of %s against the generated source", t.id())
          .isEqualTo(source.finalRows().get(t.id()));
    }
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
