package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File-system steps shared by the embedded servers: each owns a directory it wipes and removes. */
final class Directories {

  private Directories() {}

  /** Deletes {@code directory} and everything below it; does nothing if it does not exist. */
  static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path path : deepestFirst) {
        Files.deleteIfExists(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Replaces {@code directory} with an empty one. */
  static void recreate(Path directory) throws IOException {
    deleteRecursively(directory);
    Files.createDirectories(directory);
  }
}
