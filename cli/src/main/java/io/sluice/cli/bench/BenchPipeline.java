package io.sluice.cli.bench;

import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.EmbeddedInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The pipeline the benchmark runs, written as the YAML a user would write ({@code
 * <work-dir>/pipeline.yaml}): the large table in a group of its own with several partitions, the
 * small tables together in a second group. Apply settings are sluice's defaults.
 */
final class BenchPipeline {
  static final int SMALL_GROUP_PARTITIONS = 2;

  private BenchPipeline() {}

  static PipelineConfig write(
      EmbeddedInfrastructure infra, BenchOptions options, String sourceDb, String targetDb)
      throws Exception {
    String yaml =
        """
        # Written by `sluice bench apply`: the pipeline it measures on the embedded servers.
        pipeline:
          name: bench
        %s\
        capture:
          # Frequent heartbeats let the slot confirm the end of a workload promptly.
          heartbeat-interval: 1s
          # What is measured is apply draining a Kafka backlog; the tables start small.
          initial-load: kafka
        groups:
          - name: fills
            tables: [public.fills]
            partitions: %d
          - name: small
            tables: [public.accounts, public.instruments, public.positions]
            partitions: %d
        """
            .formatted(
                infra.connectionYaml(sourceDb, targetDb, null, null),
                options.partitions(),
                SMALL_GROUP_PARTITIONS);
    Path file = options.workDir().resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).load(file);
  }
}
