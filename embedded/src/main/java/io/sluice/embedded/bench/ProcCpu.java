package io.sluice.embedded.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time as Linux accounts it in {@code /proc}, in seconds: the whole box, and a process with its
 * children (a PostgreSQL postmaster and its backends, walsenders and workers).
 */
final class ProcCpu {
  /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux platform the JVM runs on. */
  private static final double TICKS_PER_SECOND = 100;

  private static final Path PROC = Path.of("/proc");

  /** Readings of a process tree before one is taken as it is: children rarely exit that often. */
  private static final int MAX_ATTEMPTS = 10;

  private ProcCpu() {}

  /** Whether {@code /proc} is there to read (Linux). */
  static boolean available() {
    return Files.isReadable(PROC.resolve("stat"));
  }

  /**
   * Busy CPU time of all CPUs since boot: user, nice, system, irq, softirq and steal; not idle or
   * iowait.
   */
  static double boxBusySeconds() {
    if (!available()) {
      return 0;
    }
    String cpu = lines(PROC.resolve("stat")).get(0);
    String[] f = cpu.trim().split("\\s+");
    long busy = 0;
    for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
      busy += Long.parseLong(f[i]);
    }
    return busy / TICKS_PER_SECOND;
  }

  /**
   * CPU time of {@code pid} and of its children: its own user and system time, the time of children
   * it has already reaped, and that of its live children. A child that exits between two readings
   * moves from the live sum to the reaped sum once the parent waits for it, so the difference of
   * two readings keeps counting it.
   *
   * <p>One reading is the parent's times, then a scan of {@code /proc} for its children. A child
   * reaped during the scan would be in neither sum (a backend whose connection closed just before
   * the reading, its CPU lost), so the parent's reaped time is read again after the scan, and the
   * reading is repeated until it did not change.
   */
  static double treeSeconds(long pid) {
    if (pid <= 0 || !available()) {
      return 0;
    }
    for (int attempt = 1; ; attempt++) {
      long[] parent = stat(pid);
      if (parent == null) {
        return 0;
      }
      long children = liveChildrenTicks(pid);
      long[] after = stat(pid);
      boolean settled = after != null && after[3] + after[4] == parent[3] + parent[4];
      if (settled || attempt == MAX_ATTEMPTS) {
        return (parent[1] + parent[2] + parent[3] + parent[4] + children) / TICKS_PER_SECOND;
      }
    }
  }

  /** User and system ticks of the live children of {@code pid}. */
  private static long liveChildrenTicks(long pid) {
    long ticks = 0;
    try (Stream<Path> entries = Files.list(PROC)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long[] child = stat(Long.parseLong(name));
        if (child != null && child[0] == pid) {
          ticks += child[1] + child[2];
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + PROC, e);
    }
    return ticks;
  }

  /** The postmaster's pid: the first line of {@code postmaster.pid} in its data directory. */
  static long postmasterPid(Path dataDirectory) {
    List<String> lines = lines(dataDirectory.resolve("postmaster.pid"));
    return lines.isEmpty() ? 0 : Long.parseLong(lines.get(0).trim());
  }

  /** ppid, utime, stime, cutime, cstime of a process, or null if it is gone. */
  private static long[] stat(long pid) {
    String line;
    try {
      line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
    } catch (NoSuchFileException gone) {
      return null;
    } catch (IOException e) {
      return null; // exited while being read
    }
    // The command name may hold spaces and parentheses; the fields after its last ')' do not.
    String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    return new long[] {
      Long.parseLong(f[1]),
      Long.parseLong(f[11]),
      Long.parseLong(f[12]),
      Long.parseLong(f[13]),
      Long.parseLong(f[14])
    };
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
