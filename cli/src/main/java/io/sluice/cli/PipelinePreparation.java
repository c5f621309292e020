package io.sluice.cli;

import io.sluice.apply.TargetSchema;
import io.sluice.capture.CapturedTables;
import io.sluice.capture.SourceCatalog;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.retry.Backoff;
import io.sluice.core.retry.Retrier;
import io.sluice.core.retry.RetryLog;
import io.sluice.core.retry.Sleeper;
import java.sql.Connection;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every start of a pipeline does first, whatever runs it (`sluice run`, the demo, the
 * benchmark): resolves the configured groups against the source catalog, then creates what the
 * target lacks (sluice's schema, the tables, their enums and domains). A source or target that is
 * away (restarting, failing over) is waited for; a wrong password or a missing table is not.
 */
public final class PipelinePreparation {
  private static final Logger log = LoggerFactory.getLogger(PipelinePreparation.class);

  private PipelinePreparation() {}

  /**
   * @return the captured tables, with their structure and group
   * @throws io.sluice.core.ConfigException naming every problem of the source catalog at once
   */
  public static CapturedTables prepare(PipelineConfig config) throws Exception {
    Retrier retrier =
        new Retrier(Backoff.DEFAULT, ErrorClassifier::classify, Sleeper.SYSTEM, Clock.systemUTC());
    CapturedTables tables =
        retrier.call(
            () -> {
              try (Connection source = Databases.source(config)) {
                return SourceCatalog.resolve(source, config);
              }
            },
            new RetryLog(
                log, "reading the source catalog", ErrorClassifier::describe, Clock.systemUTC()));
    retrier.call(
        () -> {
          try (Connection target = Databases.target(config)) {
            TargetSchema.ensure(target, tables.ids().stream().map(tables.schemas()::get).toList());
          }
          return null;
        },
        new RetryLog(
            log, "preparing the target tables", ErrorClassifier::describe, Clock.systemUTC()));
    return tables;
  }
}
