package io.sluice.capture;

import io.sluice.core.config.GroupConfig;
import io.sluice.core.schema.TableId;
import io.sluice.core.schema.TableSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The source tables a pipeline captures, each with its schema and its group. */
public record CapturedTables(Map<TableId, TableSchema> schemas, Map<TableId, GroupConfig> groups) {
  public CapturedTables {
    schemas = Map.copyOf(schemas);
    groups = Map.copyOf(groups);
  }

  public Optional<GroupConfig> groupOf(TableId table) {
    return Optional.ofNullable(groups.get(table));
  }

  public List<TableSchema> tablesOf(String group) {
    return schemas.values().stream()
        .filter(s -> groups.get(s.id()).name().equals(group))
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .toList();
  }

  public List<TableId> ids() {
    return schemas.keySet().stream().sorted().toList();
  }
}
