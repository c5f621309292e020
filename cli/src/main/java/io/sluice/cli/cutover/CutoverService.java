package io.sluice.cli.cutover;

import io.sluice.checkpoint.DynamoDbCutoverStore;
import io.sluice.checkpoint.StateTables;
import io.sluice.cli.control.AdminServer;
import io.sluice.core.config.PipelineConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cutovers asked for on the admin API ({@code POST /cutover}), one at a time, run in the background
 * of the process that serves it; {@code GET /cutover} shows the state in DynamoDB, the steps the
 * latest run printed so far and how it ended.
 */
public final class CutoverService implements AdminServer.Cutovers, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CutoverService.class);

  private final PipelineConfig config;
  private final DynamoDbClient dynamo;
  private final Clock clock;
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "sluice-cutover");
            t.setDaemon(true);
            return t;
          });
  private final List<String> lines = new ArrayList<>();
  private String outcome = "";
  private boolean running;

  public CutoverService(PipelineConfig config, DynamoDbClient dynamo, Clock clock) {
    this.config = config;
    this.dynamo = dynamo;
    this.clock = clock;
  }

  @Override
  public synchronized boolean start(
      List<String> groups, boolean rollback, boolean dryRun, boolean assumeFrozen, String by) {
    if (running) {
      return false;
    }
    for (String g : groups) {
      config.group(g); // an unknown group is the caller's mistake, answered at once
    }
    running = true;
    lines.clear();
    outcome = "";
    Cutover.Request request = new Cutover.Request(groups, rollback, dryRun, assumeFrozen, by);
    runner.execute(
        () -> {
          String result;
          try {
            result = new Cutover(config, dynamo, clock, this::line).run(request).name();
          } catch (Exception | Error e) {
            log.warn("cutover asked for on the admin API failed", e);
            line("failed: " + e.getMessage());
            result = "FAILED";
          }
          finish(result);
        });
    return true;
  }

  private synchronized void line(String l) {
    lines.add(l);
    log.info("cutover: {}", l);
  }

  private synchronized void finish(String result) {
    outcome = result;
    running = false;
  }

  @Override
  public synchronized Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    var s =
        new DynamoDbCutoverStore(dynamo, new StateTables(config.dynamoDb().tablePrefix()), clock)
            .get();
    out.put("reversed", s.reversed().stream().sorted().toList());
    out.put("switching", s.switching().stream().sorted().toList());
    out.put(
        "lastSwitch",
        s.lastSwitch()
            .map(
                w ->
                    Map.of(
                        "rollback", w.rollback(),
                        "groups", w.groups(),
                        "by", w.by(),
                        "at", w.at().toString()))
            .orElse(null));
    out.put("running", running);
    out.put("outcome", Optional.of(outcome).filter(o -> !o.isEmpty()).orElse(null));
    out.put("lines", List.copyOf(lines));
    return out;
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }
}
