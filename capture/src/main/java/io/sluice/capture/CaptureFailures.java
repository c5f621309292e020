package io.sluice.capture;

import io.sluice.capture.internal.StartCheck;
import io.sluice.checkpoint.ErrorClassifier;
import io.sluice.core.SluiceException;
import io.sluice.core.config.PipelineConfig;
import java.sql.SQLException;

/**
 * Turns an error that halts capture into the message an operator needs: what happened, in the
 * source's terms, and how to proceed. Debezium reports a dropped slot or publication only as the
 * server's {@code undefined_object} error under a generic "change event producer" failure.
 */
final class CaptureFailures {
  private CaptureFailures() {}

  static Throwable explain(PipelineConfig config, Throwable error) {
    if (error instanceof SluiceException && error.getCause() == null) {
      return error; // one of sluice's own refusals, already worded for the operator
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "42704".equals(sql.getSQLState())) {
        String text = String.valueOf(sql.getMessage());
        if (text.contains("publication")) {
          return withCause(StartCheck.publicationGone(config), error);
        }
        if (text.contains("replication slot")) {
          return withCause(StartCheck.slotGone(config), error);
        }
      }
    }
    return new SluiceException(
        "capture of pipeline "
            + config.name()
            + " halted on an error it cannot ride out: "
            + ErrorClassifier.describe(error),
        error);
  }

  private static Throwable withCause(SluiceException e, Throwable cause) {
    e.initCause(cause);
    return e;
  }
}
