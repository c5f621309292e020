package io.sluice.cli;

import io.sluice.core.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code sluice} command. */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps PostgreSQL tables in step with a PostgreSQL source, through Kafka.",
    subcommands = {
      DemoCommand.class,
      DrillCommand.class,
      RunCommand.class,
      VerifyCommand.class,
      io.sluice.cli.cutover.CutoverCommand.class,
      io.sluice.cli.control.CtlCommand.class,
      io.sluice.cli.bench.BenchCommand.class
    })
public final class SluiceCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new SluiceCommand());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof ConfigException) {
            commandLine.getErr().println(ex.getMessage());
            return 2;
          }
          commandLine.getErr().println("sluice: " + ex.getMessage());
          return 1;
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
