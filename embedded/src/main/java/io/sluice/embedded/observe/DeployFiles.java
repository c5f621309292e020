package io.sluice.embedded.observe;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's {@code deploy/} artifacts are, from any module's working directory. */
public final class DeployFiles {
  private DeployFiles() {}

  /** The {@code deploy} directory of the checkout the tests run in. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("deploy").resolve("pom.xml"))) {
        return d.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/ directory above " + dir);
  }
}
