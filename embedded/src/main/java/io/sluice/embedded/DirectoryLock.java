package io.sluice.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive OS lock on {@code infrastructure.lock} in a base directory, held while an {@link
 * EmbeddedInfrastructure} runs there, so a second process (or instance) cannot wipe its data
 * directories. The OS drops the lock if the JVM dies.
 */
final class DirectoryLock {

  private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);

  private final Path file;
  private final FileChannel channel;

  private DirectoryLock(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /**
   * @throws IllegalStateException if another instance holds the directory
   */
  static DirectoryLock acquire(Path base) {
    return tryAcquire(base)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Embedded infrastructure directory "
                        + base
                        + " is in use by another running instance; stop it or choose another"
                        + " directory"));
  }

  /** The lock, or empty if another instance (in this JVM or another process) holds it. */
  static Optional<DirectoryLock> tryAcquire(Path base) {
    Path file = base.resolve("infrastructure.lock");
    try {
      Files.createDirectories(base);
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameJvm) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        return Optional.empty();
      }
      return Optional.of(new DirectoryLock(file, channel));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not lock " + file, e);
    }
  }

  /** Releases the lock; safe to call again. */
  void release() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("Could not release {}", file, e);
    }
  }
}
