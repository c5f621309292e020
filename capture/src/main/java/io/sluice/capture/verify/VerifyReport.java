package io.sluice.capture.verify;

import java.util.List;

/**
 * The outcome of one {@code sluice verify}.
 *
 * @param pipeline the pipeline's name
 * @param startedAt when it began, ISO-8601
 * @param seconds how long it took
 * @param tables each table's verdict, in order
 */
public record VerifyReport(
    String pipeline, String startedAt, double seconds, List<TableVerdict> tables) {
  public VerifyReport {
    tables = List.copyOf(tables);
  }

  /** Whether every table matches. */
  public boolean matches() {
    return tables.stream().allMatch(TableVerdict::matches);
  }

  /** Rows compared on the source side. */
  public long rows() {
    return tables.stream().mapToLong(TableVerdict::sourceRows).sum();
  }
}
