package io.sluice.embedded.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The box a benchmark ran on, as its results should state it. */
public record Machine(
    int cpus, long memoryBytes, String java, String os, String loadAtStart, String cpuModel) {

  /** Reads this machine: CPUs the JVM may use, {@code /proc} memory, load and CPU model. */
  public static Machine describe() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        memTotal(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        currentLoad(),
        readCpuModel());
  }

  /** The 1, 5 and 15 minute load averages, e.g. {@code 0.52 0.40 0.31}, or "n/a". */
  public static String currentLoad() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%d CPUs (%s), %.1f GiB RAM, %s, %s, load average %s",
        cpus,
        cpuModel,
        memoryBytes / (1024.0 * 1024 * 1024),
        java,
        os,
        loadAtStart);
  }

  private static long memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: report the JVM's view below
    }
    return Runtime.getRuntime().maxMemory();
  }

  private static String readCpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown CPU";
  }
}
