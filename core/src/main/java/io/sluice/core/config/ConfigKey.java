package io.sluice.core.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Describes one configuration key: its dotted path, type, default, the rule its value must satisfy
 * and its meaning. The environment variable that overrides it is derived from the path ({@code
 * apply.batch.rows} becomes {@code SLUICE_APPLY_BATCH_ROWS}).
 *
 * @param defaultValue the default as written in YAML, or null when the key is required or optional
 *     without default
 * @param rule what a value must satisfy beyond its type; empty when the type says it all
 */
public record ConfigKey(
    String path,
    Type type,
    boolean required,
    String defaultValue,
    Optional<ConfigRule> rule,
    String description) {

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

  public ConfigKey {
    if (rule.isPresent() && !rule.get().fits(type)) {
      throw new IllegalArgumentException(path + ": " + rule.get() + " does not fit type " + type);
    }
  }

  public String envName() {
    return "SLUICE_" + path.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** True when an environment variable can override this key (lists and maps cannot). */
  public boolean envOverridable() {
    return type != Type.STRING_MAP && type != Type.STRING_LIST;
  }

  /** The key's rule when it is of the given kind. */
  <R extends ConfigRule> Optional<R> rule(Class<R> kind) {
    return rule.filter(kind::isInstance).map(kind::cast);
  }
}
