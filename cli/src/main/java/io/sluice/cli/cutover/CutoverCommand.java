package io.sluice.cli.cutover;

import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.cli.PipelineConfigs;
import io.sluice.core.config.PipelineConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code sluice cutover}: moves the application to the target, or back with {@code --rollback}. */
@Command(
    name = "cutover",
    mixinStandardHelpOptions = true,
    description = {
      "Move the application from the source to the target in six checked steps: preconditions,"
          + " freeze, drain and verify, sequences, flip, reverse. Each step prints its outcome"
          + " and time and refuses to go on when its check fails; after the flip a reverse"
          + " pipeline keeps the old primary current, for --rollback. Run again after a crash, it"
          + " finishes the switch.",
      "Exit codes: 0 switched (or switched already), 1 refused, 2 bad usage."
    })
public final class CutoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "Pipeline configuration.")
  Path config;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      description = "Switch only this group (repeatable; default: every group).")
  List<String> groups = new ArrayList<>();

  @Option(
      names = "--rollback",
      description = "Switch back: from the target (the primary since the cutover) to the source.")
  boolean rollback;

  @Option(
      names = "--dry-run",
      description = "Run the preconditions only and print the plan, with the expected drain time.")
  boolean dryRun;

  @Option(
      names = "--assume-frozen",
      description = "Take the writers as stopped instead of watching the source for cutover.quiet.")
  boolean assumeFrozen;

  @Option(
      names = "--by",
      paramLabel = "NAME",
      description = "Who switches, for the audit records (default: the user name).")
  String by;

  @Override
  public Integer call() throws Exception {
    PipelineConfig pipeline = PipelineConfigs.load(config);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String who = by != null ? by : System.getProperty("user.name", "unknown");
    try (DynamoDbClient dynamo = DynamoDbClients.create(pipeline.dynamoDb())) {
      Cutover.Outcome outcome;
      try {
        outcome =
            new Cutover(
                    pipeline,
                    dynamo,
                    Clock.systemUTC(),
                    line -> {
                      out.println(line);
                      out.flush();
                    })
                .run(new Cutover.Request(groups, rollback, dryRun, assumeFrozen, who));
      } catch (IllegalArgumentException e) {
        err.println("sluice cutover: " + e.getMessage());
        return 2;
      }
      return outcome == Cutover.Outcome.REFUSED ? 1 : 0;
    }
  }
}
