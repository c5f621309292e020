package io.sluice.cli.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The sizes and layout of one {@code sluice bench apply} run.
 *
 * @param largeRows rows preloaded into {@code fills}
 * @param singleRows rows changed as single-row transactions
 * @param hundredRows rows changed in 100-row transactions
 * @param warmUpRows rows changed as single-row transactions and drained by both contenders before
 *     anything is measured (0 for none)
 * @param partitions partitions of the {@code fills} group's topic
 * @param sessions source sessions queueing the workload
 * @param workDir where every file goes
 * @param progressEvery how often a running phase prints a progress line
 */
record BenchOptions(
    long largeRows,
    long singleRows,
    long hundredRows,
    long warmUpRows,
    int partitions,
    int sessions,
    Path workDir,
    Duration progressEvery) {}
