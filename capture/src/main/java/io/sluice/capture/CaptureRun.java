package io.sluice.capture;

import io.sluice.capture.load.LoadListener;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One run of a pipeline's capture under the capture lease, from its start until it stops on its own
 * or is closed: logical decoding ({@link CaptureService}) or queries ({@link QueryCapture}). {@link
 * CaptureSingleton} starts runs, and starts a new one after a run stopped on a retriable error.
 */
public interface CaptureRun extends AutoCloseable {
  /** Who hears how the copy load goes; set before {@link #start}. */
  void loadListener(LoadListener listener);

  /**
   * Prepares and starts capture in the background.
   *
   * @throws SQLException when the source cannot be reached or read (retriable)
   */
  void start() throws SQLException, InterruptedException;

  /** Stops capture as if it had failed with {@code reason}. */
  void stopFor(RuntimeException reason);

  /** Waits until capture stops, on its own (see {@link #failure}) or by {@link #close}. */
  void awaitStop() throws InterruptedException;

  /** Why capture stopped on its own, if it did. */
  Optional<Throwable> failure();

  /** Whether capture has handed at least one batch (changes or heartbeats) to Kafka. */
  boolean progressed();

  boolean isRunning();

  CaptureStats stats();

  /** Stops capture; safe to call twice. */
  @Override
  void close();
}
