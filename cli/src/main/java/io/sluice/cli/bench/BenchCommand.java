package io.sluice.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice bench}: benchmarks that run on the embedded infrastructure. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks on embedded PostgreSQL, Kafka and DynamoDB Local.",
    subcommands = {
      BenchApplyCommand.class,
      BenchLoadCommand.class,
      BenchVerifyCommand.class,
      BenchQueryCommand.class,
      BenchE2eCommand.class
    })
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
