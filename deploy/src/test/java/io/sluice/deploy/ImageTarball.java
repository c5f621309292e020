package io.sluice.deploy;

import io.sluice.embedded.observe.DeployFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.TestAbortedException;

/**
 * The container image the build writes to {@code cli/target/jib-image.tar} when the base tarball of
 * {@code deploy/image/build-base.sh} exists. Missing, it fails a test under {@code CI=true} (where
 * {@code .ci/run} builds the base first) and aborts it, reported as skipped, elsewhere.
 */
final class ImageTarball {
  private ImageTarball() {}

  static Path require() {
    Path repo = DeployFiles.root().getParent();
    Path image = repo.resolve("cli/target/jib-image.tar");
    if (!Files.isRegularFile(image)) {
      Path base = repo.resolve("deploy/image/target/base.tar");
      missing(
          "no container image at "
              + image
              + (Files.isRegularFile(base)
                  ? "; build it with ./mvnw -o package -pl cli -am -DskipTests"
                  : "; it is built only on the base image: run deploy/image/build-base.sh (as"
                      + " .ci/run does), then ./mvnw package -pl cli -am -DskipTests"));
    }
    return image;
  }

  /** Fails under {@code CI=true}, aborts (skips) the test elsewhere. */
  static void missing(String message) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message);
    }
    throw new TestAbortedException(message);
  }
}
