package io.sluice.core.config;

import java.time.Duration;
import java.util.List;

/**
 * Sequences carried to the target, so that the target's columns hand out values above every value
 * the source handed out.
 *
 * @param interval how often the capturing process carries them; zero: never
 * @param margin added to the source's value (subtracted for a descending sequence)
 * @param include free-standing sequences ({@code schema.name}, a bare name in schema {@code
 *     public}) carried besides those owned by captured tables
 */
public record SequencesConfig(Duration interval, long margin, List<String> include) {
  public SequencesConfig {
    include = List.copyOf(include);
  }
}
