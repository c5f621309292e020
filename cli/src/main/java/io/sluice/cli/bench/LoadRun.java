package io.sluice.cli.bench;

import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.embedded.bench.LoadSchema;
import java.nio.file.Path;

/**
 * What a {@link LoadContender} works with for one load.
 *
 * @param infra the embedded servers: source and target PostgreSQL, the Kafka broker and DynamoDB
 *     Local (which only a contender that needs them uses)
 * @param sourceDb the source database holding the tables of {@code schema}, generated and frozen
 * @param targetDb the fresh target database, on {@code infra.target()}
 * @param schema the tables, {@code fills} first, with their columns, keys and row counts
 * @param workDir a directory of this contender's own for any file it writes
 * @param progress prints progress lines under the contender's name
 * @param waiter polls a condition with progress steps and a deadline
 */
record LoadRun(
    EmbeddedInfrastructure infra,
    String sourceDb,
    String targetDb,
    LoadSchema schema,
    Path workDir,
    LoadProgress progress,
    Waiter waiter) {

  EmbeddedPostgres source() {
    return infra.source();
  }

  EmbeddedPostgres target() {
    return infra.target();
  }
}
