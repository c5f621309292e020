package io.sluice.cli.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The sizes of one {@code sluice bench load} run.
 *
 * @param rows rows of {@code fills}
 * @param smallTables how many small tables beside it
 * @param workDir where every file goes
 * @param progressEvery how often a running load prints a progress line
 */
record LoadOptions(long rows, int smallTables, Path workDir, Duration progressEvery) {}
