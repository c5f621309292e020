package io.sluice.core.config;

import java.util.Locale;

/**
 * Describes one configuration key: its dotted path, type, default and meaning. The environment
 * variable that overrides it is derived from the path ({@code apply.batch.rows} becomes {@code
 * SLUICE_APPLY_BATCH_ROWS}).
 *
 * @param defaultValue the default as written in YAML, or null when the key is required or optional
 *     without default
 */
public record ConfigKey(
    String path, Type type, boolean required, String defaultValue, String description) {

  /** Value types a key can hold. */
  public enum Type {
    STRING,
    INT,
    BOOLEAN,
    DURATION,
    SECRET,
    URI,
    /** A list of strings; a single string means a list of one. */
    STRING_LIST,
    STRING_MAP
  }

  public String envName() {
    return "SLUICE_" + path.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** True when an environment variable can override this key (lists and maps cannot). */
  public boolean envOverridable() {
    return type != Type.STRING_MAP && type != Type.STRING_LIST;
  }
}
