package io.sluice.cli;

import io.sluice.capture.verify.TableVerdict;
import io.sluice.capture.verify.VerifyReport;
import io.sluice.checkpoint.DynamoDbVerifyRecords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Keeps the outcome of a verification per group ({@link DynamoDbVerifyRecords}), for {@code sluice
 * cutover}'s precondition that the last one was clean. Only whole groups count: a verification of
 * one table says nothing about the others.
 */
public final class VerifyOutcomes {
  private VerifyOutcomes() {}

  public static void record(DynamoDbVerifyRecords records, VerifyReport report, Instant at) {
    Map<String, List<TableVerdict>> byGroup =
        report.tables().stream().collect(Collectors.groupingBy(TableVerdict::group));
    byGroup.forEach(
        (group, verdicts) ->
            records.record(
                new DynamoDbVerifyRecords.Outcome(
                    group,
                    verdicts.stream().allMatch(TableVerdict::matches),
                    verdicts.stream()
                        .mapToLong(t -> t.missing() + t.extra() + t.different() + t.unsettled())
                        .sum(),
                    verdicts.stream().filter(t -> !t.problem().isEmpty()).count(),
                    at)));
  }
}
