package io.sluice.cli;

import io.sluice.cli.aws.AwsCredentialSources;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Loads a pipeline configuration as the commands that reach real databases do: the file, the {@code
 * SLUICE_*} environment, and AWS for database credentials where {@code auth: iam} or {@code
 * password-secret} asks for it.
 */
public final class PipelineConfigs {
  private static final AwsCredentialSources AWS = AwsCredentialSources.create(Clock.systemUTC());

  private PipelineConfigs() {}

  public static PipelineConfig load(Path file) {
    return new ConfigLoader(System.getenv(), AWS).load(file);
  }
}
