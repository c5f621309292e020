package io.sluice.cli.control;

import java.util.List;
import java.util.Optional;

/** What `sluice ctl` asks of a pipeline, straight from DynamoDB or through an admin API. */
public interface ControlClient extends AutoCloseable {
  List<GroupView> groups();

  /** What capture is doing, from the reports of the capture processes. */
  CaptureView capture();

  Optional<GroupView> group(String name);

  /** Pauses the group; false when it was paused already. */
  boolean pause(String group, String reason, String by);

  /** Resumes the group; false when it was running already. */
  boolean resume(String group, String by);

  /**
   * Makes {@code region} the pipeline's active region (a failover): its processes capture and
   * apply, the other region's stand by.
   *
   * @return false when it was active already
   * @throws IllegalArgumentException for a pipeline run in one region
   */
  boolean failover(String region, String reason, String by);

  /** The pipeline's active region; empty for a pipeline run in one region. */
  Optional<String> activeRegion();

  @Override
  void close();
}
