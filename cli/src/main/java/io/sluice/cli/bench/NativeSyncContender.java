package io.sluice.cli.bench;

import io.sluice.embedded.bench.NativeReplication;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * PostgreSQL's own initial load: a publication of every table on the source and, in the fresh
 * target database, {@code CREATE SUBSCRIPTION ... WITH (copy_data = true, binary = true)}, whose
 * table synchronization workers copy the tables ({@code max_sync_workers_per_subscription}, 2 by
 * default, at a time). Done when every table of the subscription is in state ready ({@code
 * pg_subscription_rel.srsubstate = 'r'}); the subscription, its slot and the publication are
 * dropped after the clock has stopped.
 */
final class NativeSyncContender implements LoadContender {
  private static final String READY = "r";

  private NativeReplication replication;

  @Override
  public String name() {
    return "native";
  }

  @Override
  public void load(LoadRun run) throws Exception {
    int tables = run.schema().tables().size();
    replication =
        NativeReplication.createCopying(
            run.source(), run.sourceDb(), run.target(), run.targetDb(), run.schema().tableIds());
    run.waiter()
        .await(
            "native initial sync",
            () -> replication.synchronizedTables().getOrDefault(READY, 0L) == tables,
            () -> {
              run.progress().say("tables by state: %s", describe(replication.synchronizedTables()));
              replication
                  .applyErrors()
                  .ifPresent(
                      e -> {
                        throw new IllegalStateException("native initial sync failed: " + e);
                      });
            });
  }

  @Override
  public void afterLoad(LoadRun run) throws Exception {
    if (replication != null) {
      replication.close();
      replication = null;
    }
  }

  private static String describe(Map<String, Long> states) {
    return states.entrySet().stream()
        .map(e -> e.getValue() + " " + label(e.getKey()))
        .collect(Collectors.joining(", "));
  }

  private static String label(String state) {
    return switch (state) {
      case "i" -> "waiting";
      case "d" -> "copying";
      case "f", "s" -> "catching up";
      case READY -> "ready";
      default -> "in state " + state;
    };
  }
}
