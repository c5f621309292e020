package io.sluice.cli.cutover;

import io.sluice.checkpoint.CutoverState;
import io.sluice.checkpoint.DynamoDbClients;
import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.control.AdminServer;
import io.sluice.cli.control.CaptureView;
import io.sluice.cli.control.ControlView;
import io.sluice.cli.control.GroupView;
import io.sluice.core.config.GroupConfig;
import io.sluice.core.config.PipelineConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Group state as operators see it ({@code sluice ctl}, the admin API), for each group in the
 * direction it runs: a group a cutover reversed is read, paused and resumed in the reverse
 * pipeline's state, the others in the pipeline's own. Capture is the forward pipeline's while any
 * group runs forward, else the reverse one's.
 */
public final class DirectedControl implements AdminServer.Control {
  private final PipelineConfig config;
  private final DynamoDbClient dynamo;
  private final boolean ownsClient;
  private final Clock clock;
  private final DynamoDbCutoverStore store;
  private final ControlView forward;
  private ControlView reverse;

  private DirectedControl(
      PipelineConfig config, DynamoDbClient dynamo, boolean ownsClient, Clock clock) {
    this.config = config;
    this.dynamo = dynamo;
    this.ownsClient = ownsClient;
    this.clock = clock;
    this.store =
        new DynamoDbCutoverStore(dynamo, new StateTables(config.dynamoDb().tablePrefix()), clock);
    this.forward = ControlView.of(config, dynamo, clock);
  }

  /** Through the given client, which the caller closes. */
  public static DirectedControl of(PipelineConfig config, DynamoDbClient dynamo, Clock clock) {
    return new DirectedControl(config, dynamo, false, clock);
  }

  /** Through a client of its own, creating missing state tables. */
  public static DirectedControl open(PipelineConfig config, Clock clock) {
    DynamoDbClient dynamo = DynamoDbClients.create(config.dynamoDb());
    try {
      new StateTables(config.dynamoDb().tablePrefix()).ensureExist(dynamo);
      return new DirectedControl(config, dynamo, true, clock);
    } catch (RuntimeException e) {
      dynamo.close();
      throw e;
    }
  }

  private synchronized ControlView reverse() {
    if (reverse == null) {
      PipelineConfig r =
          Directions.reverse(config, config.groups().stream().map(GroupConfig::name).toList());
      new StateTables(r.dynamoDb().tablePrefix()).ensureExist(dynamo);
      reverse = ControlView.of(r, dynamo, clock);
    }
    return reverse;
  }

  private ControlView viewOf(CutoverState s, String group) {
    return s.isReversed(group) ? reverse() : forward;
  }

  @Override
  public List<GroupView> groups() {
    CutoverState s = store.get();
    if (s.reversed().isEmpty()) {
      return forward.groups();
    }
    List<GroupView> out = new ArrayList<>();
    for (GroupConfig g : config.groups()) {
      viewOf(s, g.name()).group(g.name()).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public CaptureView capture() {
    CutoverState s = store.get();
    boolean anyForward = config.groups().stream().anyMatch(g -> !s.isReversed(g.name()));
    return anyForward ? forward.capture() : reverse().capture();
  }

  @Override
  public Optional<GroupView> group(String name) {
    return hasGroup(name) ? viewOf(store.get(), name).group(name) : Optional.empty();
  }

  @Override
  public boolean pause(String group, String reason, String by) {
    return viewOf(store.get(), group).pause(group, reason, by);
  }

  @Override
  public boolean resume(String group, String by) {
    return viewOf(store.get(), group).resume(group, by);
  }

  @Override
  public boolean failover(String region, String reason, String by) {
    return forward.failover(region, reason, by);
  }

  @Override
  public Optional<String> activeRegion() {
    return forward.activeRegion();
  }

  @Override
  public String pipeline() {
    return config.name();
  }

  @Override
  public boolean hasGroup(String group) {
    return forward.hasGroup(group);
  }

  @Override
  public synchronized void close() {
    forward.close();
    if (reverse != null) {
      reverse.close();
    }
    if (ownsClient) {
      dynamo.close();
    }
  }
}
