package io.sluice.cli.control;

import java.util.List;

/**
 * Capture as operators see it, in `sluice ctl status` and on the admin API ({@code GET /capture}):
 * which process captures and what it is doing, how far it has captured, and its last error.
 *
 * @param state RUNNING, RETRYING (starting again after an error, by itself), HALTED (stopped on an
 *     error a person must act on), STANDBY (no process leads), or UNKNOWN when no capture process
 *     has reported lately
 * @param worker the process that captures (or reported last), empty when none reported
 * @param capturedThrough the source commit time up to which changes and heartbeats were handed to
 *     Kafka, ISO-8601; empty when unknown
 * @param lagSeconds seconds since that commit time; -1 when unknown. It grows while capture does
 *     not run, whatever apply reports
 * @param standbys processes standing by to take over
 * @param load the copy load: how many chunks and rows are copied, and whether it finished
 */
public record CaptureView(
    String state,
    String worker,
    String capturedThrough,
    double lagSeconds,
    String lastError,
    String reportedAt,
    List<String> standbys,
    LoadView load) {
  public CaptureView {
    standbys = List.copyOf(standbys);
    load = load == null ? LoadView.NONE : load;
  }
}
