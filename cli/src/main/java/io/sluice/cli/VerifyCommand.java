package io.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.apply.TargetWriter;
import io.sluice.capture.verify.Verifier;
import io.sluice.capture.verify.VerifyOptions;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.capture.verify.VerifyText;
import io.sluice.checkpoint.DynamoDbApplyCheckpointStore;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.StateTables;
import io.sluice.core.config.Durations;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
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
      Verifier verifier =
          new Verifier(
              pipeline,
              new DynamoDbApplyCheckpointStore(
                  dynamo, new StateTables(pipeline.dynamoDb().tablePrefix())),
              () -> new TargetWriter()::write,
              Clock.systemUTC());
      try {
        report =
            verifier.run(
                options,
                line -> {
                  (json ? err : out).println(line);
                  (json ? err : out).flush();
                });
      } catch (IllegalArgumentException e) {
        err.println("sluice verify: " + e.getMessage());
        return 2;
      }
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
