package io.sluice.cli;

import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.cli.drill.Fault;
import io.sluice.cli.drill.Migrations;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.verify.ComparedTable;
import io.sluice.embedded.verify.TableComparator;
import io.sluice.embedded.verify.TableComparison;
import io.sluice.embedded.workload.ChangeGenerator;
import io.sluice.embedded.workload.TradingSchema;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs the whole pipeline on the embedded servers under a steady trading workload and, in each
 * round, injects one or two production events ({@link Fault}) at random times, then waits for the
 * pipeline to catch up and compares every table, source against target. Nothing may be lost, no
 * table may diverge, nothing may halt; the exit code is 0 only then.
 */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline on embedded servers under a steady workload, inject production events"
          + " (database crashes, restarts and failovers, a broker restart, a DynamoDB outage,"
          + " migrations) in rounds, and compare every table exactly after each round.",
      "Exits 0 only when no row was lost, no table diverged and nothing halted."
    })
final class DrillCommand implements Callable<Integer> {
  /** The wall clock, for the catch-up times the drill reports. */
  private static final Clock CLOCK = Clock.systemUTC();

  @Spec CommandSpec spec;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "10",
      description = "Rounds to run (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description =
          "Seed of the events, their timing and the workload (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "200",
      description = "Source changes per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--max-fault",
      paramLabel = "SECONDS",
      defaultValue = "8",
      description = "Longest an event lasts, in seconds (default: ${DEFAULT-VALUE}).")
  int maxFaultSeconds;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = "target/sluice-drill",
      description = "Directory for every file the drill writes (default: ${DEFAULT-VALUE}).")
  Path workDir;

  private static final Duration CATCH_UP = Duration.ofMinutes(3);
  private static final String DATABASE = "trading";

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || rate <= 0 || maxFaultSeconds < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rounds, --rate and --max-fault must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    Files.createDirectories(workDir);
    out.printf("sluice drill: %d rounds, seed %d, under %s%n", rounds, seed, workDir);
    out.flush();
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(workDir.resolve("infrastructure")).registerShutdownHook()) {
      infra.source().createDatabase(DATABASE);
      infra.target().createDatabase(DATABASE);
      try (Connection source = infra.source().connect(DATABASE)) {
        TradingSchema.create(source, 20_000);
      }
      Migrations migrations = Migrations.create(infra.source().jdbcUrl(DATABASE), 500);
      PipelineConfig config = config(infra);
      try (Pipeline pipeline = Pipeline.start(config);
          DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb())) {
        while (!pipeline.capture().orElseThrow().stats().streaming()) {
          if (pipeline.failure().isPresent()) {
            out.println("pipeline failed before streaming: " + pipeline.failure().get());
            return 1;
          }
          Thread.sleep(200);
        }
        out.printf("snapshot captured; %d rounds follow%n", rounds);
        out.flush();
        return run(infra, pipeline, dynamo, migrations, out);
      }
    }
  }

  private int run(
      EmbeddedInfrastructure infra,
      Pipeline pipeline,
      DynamoDbClient dynamo,
      Migrations migrations,
      PrintWriter out)
      throws Exception {
    Random random = new Random(seed);
    Fault.Context context = new Fault.Context(infra, DATABASE, migrations, random);
    CatchUp catchUp = new CatchUp(pipeline.config(), dynamo);
    int events = 0;
    long worstLost = 0;
    Set<String> diverged = new TreeSet<>();
    int halts = 0;
    ExecutorService faults = Executors.newCachedThreadPool();
    try {
      for (int round = 1; round <= rounds; round++) {
        List<Fault> chosen = choose(round, random);
        List<String> done = new ArrayList<>();
        long changes;
        try (ChangeGenerator workload =
            ChangeGenerator.start(infra.source().jdbcUrl(DATABASE), rate, seed * 1_000 + round)) {
          List<Future<String>> running = new ArrayList<>();
          for (Fault f : chosen) {
            long delay = 500 + random.nextInt(2_500);
            long hold = 1_000 + random.nextInt(maxFaultSeconds * 1_000 - 999);
            running.add(faults.submit(() -> inject(f, context, delay, hold)));
          }
          for (Future<String> f : running) {
            done.add(f.get());
          }
          Thread.sleep(1_000); // the workload goes on after the last event ended
          changes = workload.committedChanges();
          workload.failure().ifPresent(e -> out.println("  workload stopped: " + e));
        }
        events += chosen.size();
        Instant caughtFrom = CLOCK.instant();
        boolean caughtUp = catchUp.await(CATCH_UP, () -> pipeline.failure().isPresent());
        double catchUpSeconds = Duration.between(caughtFrom, CLOCK.instant()).toMillis() / 1000.0;
        if (pipeline.failure().isPresent()) {
          halts++;
          out.printf(
              "round %d/%d: %s; HALTED: %s%n",
              round, rounds, String.join(", ", done), pipeline.failure().get().getMessage());
          break;
        }
        Outcome outcome = compare(infra);
        worstLost = Math.max(worstLost, outcome.lost());
        diverged.addAll(outcome.diverged());
        out.printf(
            "round %d/%d: %s; %,d changes; %d/%d tables match%s%s%n",
            round,
            rounds,
            String.join(", ", done),
            changes,
            outcome.tables() - outcome.diverged().size(),
            outcome.tables(),
            caughtUp ? String.format("; caught up in %.1f s", catchUpSeconds) : "; NOT CAUGHT UP",
            outcome.diverged().isEmpty()
                ? ""
                : "; diverged: " + outcome.diverged() + ", rows lost " + outcome.lost());
        out.flush();
      }
    } finally {
      faults.shutdownNow();
    }
    out.printf(
        "drills: %d rounds, %d events, %d rows lost, %d tables diverged, %d halts%n",
        rounds, events, worstLost, diverged.size(), halts);
    out.flush();
    return worstLost == 0 && diverged.isEmpty() && halts == 0 ? 0 : 1;
  }

  /** The parts of the deployment, in the order rounds take turns at them. */
  private static final List<String> COMPONENTS = List.of("source", "target", "kafka", "dynamodb");

  /**
   * One or two events of a round, each on another part of the deployment: the first on the part
   * whose turn it is (so any four rounds in a row hit each part), a second one in a third of the
   * rounds on another part.
   */
  private static List<Fault> choose(int round, Random random) {
    String turn = COMPONENTS.get((round - 1) % COMPONENTS.size());
    List<Fault> all = new ArrayList<>(List.of(Fault.values()));
    java.util.Collections.shuffle(all, random);
    List<Fault> chosen = new ArrayList<>();
    all.stream().filter(f -> f.component().equals(turn)).findFirst().ifPresent(chosen::add);
    if (random.nextInt(3) == 0) {
      all.stream().filter(f -> !f.component().equals(turn)).findFirst().ifPresent(chosen::add);
    }
    return chosen;
  }

  /** Waits, injects the event, holds it and ends it; returns what happened, for the report. */
  private static String inject(Fault f, Fault.Context context, long delay, long hold)
      throws Exception {
    Thread.sleep(delay);
    Fault.Ending ending = f.start(context);
    Thread.sleep(hold);
    ending.end();
    return String.format("%s %.1f s", f.description(), hold / 1000.0);
  }

  /** What a comparison found: the tables compared, those that differ, rows missing on target. */
  private record Outcome(int tables, List<String> diverged, long lost) {}

  private static Outcome compare(EmbeddedInfrastructure infra) throws SQLException {
    try (Connection source = infra.source().connect(DATABASE);
        Connection target = infra.target().connect(DATABASE)) {
      List<ComparedTable> tables = new ArrayList<>();
      for (String t : TradingSchema.allTables()) {
        tables.add(ComparedTable.fromCatalog(source, TradingSchema.SCHEMA, t));
      }
      tables.add(ComparedTable.fromCatalog(source, TradingSchema.SCHEMA, Migrations.TABLE));
      List<String> diverged = new ArrayList<>();
      long lost = 0;
      for (TableComparison c : new TableComparator(source, target).compare(tables)) {
        if (!c.matches()) {
          diverged.add(c.table().toString());
          lost += missingOnTarget(source, target, c.table());
        }
      }
      return new Outcome(tables.size(), diverged, lost);
    }
  }

  /** Keys of the source table that the target table lacks. */
  private static long missingOnTarget(Connection source, Connection target, ComparedTable t)
      throws SQLException {
    Set<String> keys = keys(source, t);
    keys.removeAll(keys(target, t));
    return keys.size();
  }

  private static Set<String> keys(Connection c, ComparedTable t) throws SQLException {
    String key =
        t.primaryKey().stream()
            .map(io.sluice.core.schema.TableId::quote)
            .collect(Collectors.joining(", "));
    Set<String> out = new HashSet<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT ROW("
                    + key
                    + ")::text FROM "
                    + io.sluice.core.schema.TableId.quote(t.schema())
                    + "."
                    + io.sluice.core.schema.TableId.quote(t.table()))) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private PipelineConfig config(EmbeddedInfrastructure infra) throws Exception {
    return DemoCommand.tradingPipeline(
        "drill", infra, workDir.resolve("pipeline.yaml"), 2, Map.of());
  }
}
