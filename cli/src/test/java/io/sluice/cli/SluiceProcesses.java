package io.sluice.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * sluice as a process of its own, as production runs it: the test JVM's classpath, output to a log
 * file, and short lease timeouts so a killed or stopped process's partitions move on quickly.
 */
public final class SluiceProcesses {
  private SluiceProcesses() {}

  /** The command line of {@code sluice <args>}. */
  public static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SluiceCommand.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Starts {@code sluice <args>} with its output (and errors) in {@code log}.
   *
   * @param env more environment variables, e.g. {@code SLUICE_WORKER_ID}
   */
  public static Process start(Path log, Map<String, String> env, String... args)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SLUICE_CAPTURE_LEASE_TIMEOUT", "3s");
    pb.environment().put("SLUICE_APPLY_LEASE_TIMEOUT", "3s");
    pb.environment().putAll(env);
    return pb.start();
  }
}
