package io.sluice.embedded.observe;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * A program a test runs that the build cannot fetch (Prometheus, Alertmanager and their tools,
 * installed by {@code .ci/run} from Debian's packages). Missing, it fails the test under {@code
 * CI=true} and aborts it (reported as skipped) elsewhere.
 */
public final class ExternalTool {
  private ExternalTool() {}

  /** The tool's path on {@code PATH}. */
  public static Path require(String name) {
    return require(name, System.getenv());
  }

  static Path require(String name, java.util.Map<String, String> env) {
    Optional<Path> found = find(name, env.getOrDefault("PATH", ""));
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        name
            + " is not installed; install it with `apt-get install -y --no-install-recommends"
            + " prometheus prometheus-alertmanager` (as .ci/run does)";
    if ("true".equalsIgnoreCase(env.get("CI"))) {
      throw new IllegalStateException(message);
    }
    throw new TestAbortedException(message);
  }

  private static Optional<Path> find(String name, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** What a finished run printed (stdout and stderr together) and its exit code. */
  public record Result(int exit, String output) {}

  /** Runs the tool to its end in {@code directory}, with stdin closed. */
  public static Result run(Path directory, Duration timeout, String name, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(require(name).toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("sluice-" + name, ".log");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(name + " did not finish within " + timeout);
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
