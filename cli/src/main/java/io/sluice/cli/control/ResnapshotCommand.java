package io.sluice.cli.control;

import io.sluice.apply.TargetWriter;
import io.sluice.capture.load.TableReload;
import io.sluice.cli.LoadProgressBar;
import io.sluice.cli.PipelineConfigs;
import io.sluice.core.Lsn;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice ctl resnapshot TABLE}: reloads one table online from a source snapshot while the
 * pipeline keeps running ({@link TableReload}), with a progress bar.
 */
@Command(
    name = "resnapshot",
    mixinStandardHelpOptions = true,
    description =
        "Reload one captured table from a new source snapshot while the pipeline keeps streaming:"
            + " every target row takes the snapshot's value unless a newer change wrote it, and"
            + " target rows the source does not hold are removed. Needs the pipeline's"
            + " configuration (source, target); safe to run again if stopped.")
final class ResnapshotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "Pipeline configuration.")
  Path config;

  @Parameters(
      paramLabel = "TABLE",
      description = "The table, as schema.table (default schema public).")
  String table;

  @Override
  public Integer call() throws Exception {
    PipelineConfig pipeline = PipelineConfigs.load(config);
    TableId id = TableId.parse(table);
    PrintWriter err = spec.commandLine().getErr();
    TableReload reload =
        new TableReload(
            pipeline,
            new LoadProgressBar("reload of " + id, err, Clock.systemUTC(), Duration.ofSeconds(2)),
            Clock.systemUTC());
    TableReload.Result r;
    try {
      r = reload.run(id, () -> new TargetWriter()::write);
    } catch (IllegalArgumentException e) {
      err.println("sluice ctl resnapshot: " + e.getMessage());
      return 2;
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "reloaded %s: %,d rows from a snapshot at %s, %,d target rows removed that the source"
                + " does not hold%n",
            r.table(),
            r.rows(),
            new Lsn(r.position() + 1),
            r.removed());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
