package io.sluice.cli.cutover;

import io.sluice.capture.SourceCatalog;
import io.sluice.cli.Databases;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.schema.TableId;
import java.sql.Connection;
import java.util.List;

/** The two directions of a switch, which sides they run between, and the groups' tables. */
final class CutoverPlan {

  final List<String> groups;
  final boolean rollback;

  /** The direction running now: its source is the current primary. */
  final PipelineConfig from;

  /** The direction after the switch: its source is the new primary. */
  final PipelineConfig to;

  /** The configured side of the current primary and of the new one. */
  final String fromSide;

  final String toSide;
  List<TableId> tables;

  CutoverPlan(PipelineConfig config, List<String> groups, boolean rollback) {
    this.groups = groups;
    this.rollback = rollback;
    this.from = rollback ? Directions.reverse(config, groups) : Directions.forward(config, groups);
    this.to = rollback ? Directions.forward(config, groups) : Directions.reverse(config, groups);
    this.fromSide = rollback ? "target" : "source";
    this.toSide = rollback ? "source" : "target";
  }

  String describe(String host, int port, String database) {
    return database + " on " + host + ":" + port;
  }

  List<TableId> tables() throws Exception {
    if (tables == null) {
      try (Connection c = Databases.source(from)) {
        tables = SourceCatalog.resolve(c, from).ids();
      }
    }
    return tables;
  }
}
