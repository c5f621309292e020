package io.sluice.core.config;

import java.util.List;

/**
 * A table group: a named set of tables (names or {@code *} patterns) with its own topic,
 * partitions, workers and checkpoints.
 */
public record GroupConfig(String name, List<TablePattern> tables, int partitions) {
  public GroupConfig {
    tables = List.copyOf(tables);
  }
}
