package io.sluice.core.config;

import java.util.Optional;

/**
 * Where this deployment of a pipeline runs, for a pipeline run in two regions.
 *
 * @param name this deployment's region; empty for a pipeline run in one region, always active
 * @param primary the region active until a failover names another; present exactly when {@code
 *     name} is
 */
public record RegionConfig(Optional<String> name, Optional<String> primary) {
  /** One region: no active-region item is read. */
  public static final RegionConfig SINGLE = new RegionConfig(Optional.empty(), Optional.empty());

  /** Whether the pipeline runs in two regions, one active at a time. */
  public boolean twoRegions() {
    return name.isPresent();
  }
}
