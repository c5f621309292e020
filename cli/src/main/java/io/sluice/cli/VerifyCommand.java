package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.apply.TargetWriter;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.capture.verify.VerifyText;
import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.DynamoDbVerifyRecords;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.cutover.Directions;
import io.sluice.core.config.Durations;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code sluice verify}: compares a live pipeline's target with its source, and repairs it. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Prove the target equals the source, table by table, while the pipeline runs: each side"
            + " computes row counts and content fingerprints per key-range chunk in its own"
            + " database, only differing chunks are read row by row, and rows that changed after"
            + " the source snapshot are read again until they settle. Names tables, chunks and"
            + " up to --samples keys, never other values. Exit code 0 only when every table"
            + " matches.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "Pipeline configuration.")
  Path config;

  @Option(names = "--group", paramLabel = "GROUP", description = "Only this group's tables.")
  String group;

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "Only this table, as schema.table (default schema public).")
  String table;

  @Option(
      names = "--repair",
      description =
          "Copy the differing rows again from a new source snapshot through the guarded write"
              + " path, then compare them again.")
  boolean repair;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(
      names = "--samples",
      defaultValue = "10",
      paramLabel = "N",
      description = "Keys named per kind of difference and table (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(
      names = "--chunk-rows",
      paramLabel = "N",
      description = "About how many rows one chunk holds (default: verify.chunk-rows).")
  Integer chunkRows;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      description =
          "How long to wait for apply to reach a snapshot and for changing rows to settle, as"
              + " 90s or 5m (default: verify.deadline).")
  String deadline;

  @Override
  public Integer call() throws Exception {
    PipelineConfig pipeline = PipelineConfigs.load(config);
    VerifyOptions options =
        new VerifyOptions(
            Optional.ofNullable(group),
            Optional.ofNullable(table).map(TableId::parse),
            chunkRows != null ? chunkRows : pipeline.verify().chunkRows(),
            samples,
            deadline != null ? Durations.parse(deadline) : pipeline.verify().deadline(),
            repair);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    VerifyReport report;
    try (DynamoDbClient dynamo = DynamoDbClients.create(pipeline.dynamoDb())) {
      StateTables state = new StateTables(pipeline.dynamoDb().tablePrefix());
      state.ensureExist(dynamo);
      // each group is compared in the direction it runs: after a cutover, from the new primary
      CutoverState cutover = new DynamoDbCutoverStore(dynamo, state, Clock.systemUTC()).get();
      List<PipelineConfig> directions = new ArrayList<>();
      Directions.forwardNow(pipeline, cutover).ifPresent(directions::add);
      Directions.reverseNow(pipeline, cutover).ifPresent(directions::add);
      if (group != null) {
        pipeline.group(group); // names an unknown group
        directions.removeIf(d -> d.groups().stream().noneMatch(g -> g.name().equals(group)));
        if (directions.isEmpty()) {
          err.println(
              "sluice verify: group "
                  + group
                  + " is switching direction (a cutover is under way): finish it with sluice"
                  + " cutover, then verify");
          return 2;
        }
      }
      List<VerifyReport> reports = new ArrayList<>();
      IllegalArgumentException refused = null;
      for (PipelineConfig direction : directions) {
        Verifier verifier =
            new Verifier(
                direction,
                new DynamoDbApplyCheckpointStore(
                    dynamo, new StateTables(direction.dynamoDb().tablePrefix())),
                () -> new TargetWriter()::write,
                Clock.systemUTC());
        VerifyReport r;
        try {
          r =
              verifier.run(
                  options,
                  line -> {
                    (json ? err : out).println(line);
                    (json ? err : out).flush();
                  });
        } catch (IllegalArgumentException e) {
          refused = e; // --table of a group of the other direction
          continue;
        }
        reports.add(r);
        if (table == null) {
          VerifyOutcomes.record(
              new DynamoDbVerifyRecords(
                  dynamo, new StateTables(direction.dynamoDb().tablePrefix())),
              r,
              Clock.systemUTC().instant());
        }
      }
      if (reports.isEmpty()) {
        err.println(
            "sluice verify: "
                + (refused != null ? refused.getMessage() : "no group runs in either direction"));
        return 2;
      }
      report =
          reports.size() == 1
              ? reports.get(0)
              : new VerifyReport(
                  pipeline.name(),
                  reports.get(0).startedAt(),
                  reports.stream().mapToDouble(VerifyReport::seconds).sum(),
                  reports.stream().flatMap(r -> r.tables().stream()).toList());
    }
    if (json) {
      ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode tree = m.valueToTree(report);
      tree.put("matches", report.matches());
      for (int i = 0; i < report.tables().size(); i++) {
        ((ObjectNode) tree.get("tables").get(i)).put("matches", report.tables().get(i).matches());
      }
      out.println(m.writeValueAsString(tree));
    } else {
      out.println();
      out.print(VerifyText.report(report));
    }
    out.flush();
    return report.matches() ? 0 : 1;
  }
}
