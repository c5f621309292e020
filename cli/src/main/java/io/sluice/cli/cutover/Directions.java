package io.sluice.cli.cutover;

import io.sluice.checkpoint.CutoverState;
import io.sluice.core.config.CaptureConfig;
import io.sluice.core.config.CaptureMethod;
import io.sluice.core.config.DynamoDbConfig;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.KafkaConfig;
import io.sluice.core.config.PipelineConfig;
import io.sluice.core.config.SourceConfig;
import io.sluice.core.config.TargetConfig;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The two directions a pipeline's groups can run in. Forward is the pipeline as configured. Reverse
 * carries the groups' changes from the configured target (the new primary after a cutover) back to
 * the configured source, as a pipeline of its own: named {@code <name>_reverse}, with its own slot
 * and publication on the target ({@code <slot>_reverse}, {@code <publication>_reverse}), its own
 * topics ({@code <prefix>.reverse.<group>}) and its own state tables ({@code <prefix>reverse-*}),
 * so its offsets, checkpoints and leases never mix with the forward ones.
 */
public final class Directions {
  /** Suffix of the reverse pipeline's name, slot and publication. */
  public static final String REVERSE = "_reverse";

  private Directions() {}

  /** The groups that run forward now, as a pipeline of their own; empty when none does. */
  public static Optional<PipelineConfig> forwardNow(PipelineConfig config, CutoverState state) {
    return only(config, g -> state.isForward(g.name()));
  }

  /** The groups that run reversed now, as the reverse pipeline; empty when none does. */
  public static Optional<PipelineConfig> reverseNow(PipelineConfig config, CutoverState state) {
    return only(config, g -> state.isReversed(g.name())).map(Directions::reverse);
  }

  /** The pipeline restricted to the groups named. */
  public static PipelineConfig forward(PipelineConfig config, Collection<String> groups) {
    return only(config, g -> groups.contains(g.name())).orElseThrow();
  }

  /** The reverse pipeline of the groups named. */
  public static PipelineConfig reverse(PipelineConfig config, Collection<String> groups) {
    return reverse(forward(config, groups));
  }

  /**
   * The reverse of a forward pipeline: source and target swapped, everything that names state made
   * its own. Columns a group leaves out of the forward direction do not exist on the new primary,
   * so there is nothing to leave out.
   */
  static PipelineConfig reverse(PipelineConfig f) {
    if (f.capture().method() != CaptureMethod.LOG) {
      throw new IllegalArgumentException(
          "pipeline "
              + f.name()
              + " captures by query (Greenplum): its target cannot be captured back into it");
    }
    SourceConfig s = f.source();
    TargetConfig t = f.target();
    KafkaConfig k = f.kafka();
    DynamoDbConfig d = f.dynamoDb();
    CaptureConfig c = f.capture();
    return new PipelineConfig(
        f.name() + REVERSE,
        new SourceConfig(
            t.host(),
            t.port(),
            t.database(),
            t.user(),
            t.password(),
            s.slot() + REVERSE,
            s.publication() + REVERSE),
        new TargetConfig(
            s.host(),
            s.port(),
            s.database(),
            s.user(),
            s.password(),
            t.poolSize(),
            f.cutover().reverseReplicaRole()),
        new KafkaConfig(
            k.bootstrapServers(),
            k.topicPrefix() + ".reverse",
            k.replicationFactor(),
            k.properties(),
            k.auth(),
            k.maxMessageBytes()),
        new DynamoDbConfig(
            d.region(), d.endpoint(), d.tablePrefix() + "reverse-", d.localCredentials()),
        c,
        f.apply(),
        f.admin(),
        f.alerts(),
        f.groups().stream().map(Directions::withoutExcludedColumns).toList(),
        f.verify(),
        f.sequences(),
        f.cutover(),
        f.region());
  }

  private static GroupConfig withoutExcludedColumns(GroupConfig g) {
    return new GroupConfig(
        g.name(),
        g.tables(),
        g.partitions(),
        g.truncate(),
        g.onBadData(),
        g.keyColumns(),
        Map.of(),
        g.alertLag(),
        g.alertPaused(),
        g.verifyInterval(),
        g.query());
  }

  private static Optional<PipelineConfig> only(PipelineConfig f, Predicate<GroupConfig> keep) {
    List<GroupConfig> groups = f.groups().stream().filter(keep).toList();
    if (groups.isEmpty()) {
      return Optional.empty();
    }
    if (groups.size() == f.groups().size()) {
      return Optional.of(f);
    }
    return Optional.of(
        new PipelineConfig(
            f.name(),
            f.source(),
            f.target(),
            f.kafka(),
            f.dynamoDb(),
            f.capture(),
            f.apply(),
            f.admin(),
            f.alerts(),
            groups,
            f.verify(),
            f.sequences(),
            f.cutover(),
            f.region()));
  }
}
