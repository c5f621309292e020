package io.sluice.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees a data directory left behind by a JVM that died without stopping its PostgreSQL (kill -9, a
 * crashed test fork): stops the postmaster still running there, then deletes the directory.
 */
final class OrphanedPostmaster {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostmaster.class);
  private static final long STOP_TIMEOUT_SECONDS = 15;

  private OrphanedPostmaster() {}

  static void reclaim(Path dataDirectory) throws IOException {
    if (!Files.exists(dataDirectory)) {
      return;
    }
    Optional<ProcessHandle> postmaster = runningPostmaster(dataDirectory.resolve("postmaster.pid"));
    if (postmaster.isPresent()) {
      LOG.warn(
          "Stopping orphaned postmaster pid {} still running in {}",
          postmaster.get().pid(),
          dataDirectory);
      stop(postmaster.get());
    }
    Directories.deleteRecursively(dataDirectory);
  }

  private static Optional<ProcessHandle> runningPostmaster(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
      return Optional.empty();
    }
    long pid = Long.parseLong(lines.get(0).strip());
    // The pid may have been reused by an unrelated process since: only stop a postgres.
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            process ->
                process
                    .info()
                    .command()
                    .map(command -> command.endsWith("postgres"))
                    .orElse(false));
  }

  private static void stop(ProcessHandle postmaster) throws IOException {
    postmaster.destroy();
    if (!awaitExit(postmaster, STOP_TIMEOUT_SECONDS)) {
      postmaster.destroyForcibly();
      awaitExit(postmaster, STOP_TIMEOUT_SECONDS);
    }
  }

  private static boolean awaitExit(ProcessHandle process, long seconds) throws IOException {
    try {
      process.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IOException("Could not wait for orphaned postmaster " + process.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while stopping orphaned postmaster " + process.pid());
    }
  }
}
