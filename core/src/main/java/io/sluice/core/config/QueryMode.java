package io.sluice.core.config;

/** How query capture ({@link CaptureMethod#QUERY}) follows one table. */
public enum QueryMode {
  /**
   * Polls rows whose watermark column is at or past the stored watermark, less the look-back; a
   * periodic diff catches deletes and rows whose watermark is NULL.
   */
  WATERMARK,
  /** Polls by watermark only: for tables that are only appended to; no deletes are seen. */
  APPEND_ONLY,
  /** A periodic chunked hash comparison with the target, turned into upserts and deletes. */
  DIFF
}
