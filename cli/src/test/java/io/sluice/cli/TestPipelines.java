package io.sluice.cli;

import io.sluice.embedded.TestIsolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pipeline files for tests that run sluice commands against one test's isolated slice. */
final class TestPipelines {
  private TestPipelines() {}

  /** Writes a pipeline of the slice's databases, topics and tables, with these groups. */
  static Path write(Path file, TestIsolation slice, String groupsYaml) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, slice.pipelineYaml(groupsYaml));
    return file;
  }
}
