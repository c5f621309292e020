package io.sluice.apply.internal;

import io.sluice.checkpoint.LoadPlan;
import io.sluice.checkpoint.LoadProgressStore;
import io.sluice.core.config.InitialLoad;
import io.sluice.core.config.PipelineConfig;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Whether a group may apply yet: under the copy load only once the initial load finished, since its
 * rows are copied into tables no change may reach first. Read until it is seen finished, then open
 * for good.
 */
public final class LoadGate {
  /**
   * Where the load's own stream starts in a partition of the group's topic, once the gate is open:
   * apply never reads what came before (changes of an earlier slot).
   */
  public OptionalLong streamStart(String topic, int partition) {
    Long start = streamStart.get(LoadPlan.partitionKey(topic, partition));
    return start == null ? OptionalLong.empty() : OptionalLong.of(start);
  }

  private static final Logger log = LoggerFactory.getLogger(LoadGate.class);

  private final PipelineConfig config;
  private final String group;
  private final LoadProgressStore load;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile Map<String, Long> streamStart = Map.of();
  private final AtomicBoolean waitLogged = new AtomicBoolean();

  public LoadGate(PipelineConfig config, String group, LoadProgressStore load) {
    this.config = config;
    this.group = group;
    this.load = load;
  }

  public boolean open() {
    if (config.capture().load().method() != InitialLoad.COPY || finished.get()) {
      return true;
    }
    try {
      Optional<LoadPlan> plan = load.plan();
      if (plan.map(LoadPlan::finished).orElse(false)) {
        streamStart = plan.get().streamStart();
        finished.set(true);
        log.info(
            "initial load of pipeline {} finished: apply of group {} starts", config.name(), group);
        return true;
      }
      if (!waitLogged.getAndSet(true)) {
        log.info(
            "apply of group {} waits for the initial load of pipeline {} to finish",
            group,
            config.name());
      }
      return false;
    } catch (SdkException e) {
      return false; // DynamoDB away: asked again before the next try
    }
  }
}
