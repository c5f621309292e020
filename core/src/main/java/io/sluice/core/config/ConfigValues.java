package io.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.core.config.ConfigRule.Matches;
import io.sluice.core.config.ConfigRule.NotNegative;
import io.sluice.core.config.ConfigRule.OneOf;
import io.sluice.core.config.ConfigRule.Positive;
import io.sluice.core.config.ConfigRule.Range;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Typed access to flattened configuration values, each read through its {@link ConfigKey} and
 * checked against the key's {@link ConfigRule}. A missing required, malformed or refused value
 * records a problem and yields a placeholder, so binding continues and every problem is found in
 * one pass; the placeholder is never used, because the loader refuses a configuration with
 * problems.
 *
 * <p>Values inside a {@code groups} entry are read by the methods taking the entry and its {@code
 * label}, which names the entry in problems ({@code group 'fills'}, or {@code groups[2]} when it
 * has no name).
 */
final class ConfigValues {
  private static final String DURATION_FORMS = "200ms, 10s, 5m, 1h or PT10S";

  private final Map<String, JsonNode> values;
  private final List<String> problems;

  ConfigValues(Map<String, JsonNode> values, List<String> problems) {
    this.values = values;
    this.problems = problems;
  }

  List<String> problems() {
    return problems;
  }

  JsonNode raw(String path) {
    return values.get(path);
  }

  /** The value as written, empty when unset or blank; it is checked against the key's pattern. */
  Optional<String> optString(ConfigKey key) {
    JsonNode n = values.get(key.path());
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isValueNode()) {
      problems.add(
          key.path() + " must be a single value, not a " + n.getNodeType().name().toLowerCase());
      return Optional.empty();
    }
    String s = n.asText();
    if (s.isBlank()) {
      return Optional.empty();
    }
    checkPattern(key, key.path(), s);
    return Optional.of(s);
  }

  /** The value, else the key's default, else "" (a problem when the key is required). */
  String string(ConfigKey key) {
    Optional<String> v = optString(key);
    if (v.isPresent()) {
      return v.get();
    }
    if (key.required()) {
      problems.add(key.path() + " is required (or set " + key.envName() + ")");
      return "";
    }
    return key.defaultValue() == null ? "" : key.defaultValue();
  }

  /** Records a problem when {@code value}, named by {@code where}, fails the key's pattern. */
  void checkPattern(ConfigKey key, String where, String value) {
    key.rule(Matches.class)
        .filter(m -> !m.matches(value))
        .ifPresent(m -> problems.add(where + " '" + value + "' " + m.requirement()));
  }

  Secret secret(ConfigKey key) {
    return new Secret(optString(key).orElse(""));
  }

  /** A whole number of a key that is required or has a default. */
  int integer(ConfigKey key) {
    return optInteger(key).orElse(0);
  }

  /** A whole number in the key's range; empty when unset without default, or refused. */
  OptionalInt optInteger(ConfigKey key) {
    String s = string(key);
    if (s.isEmpty()) {
      return OptionalInt.empty();
    }
    int v;
    try {
      v = Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      problems.add(key.path() + " must be a whole number, not '" + s + "'");
      return OptionalInt.empty();
    }
    Optional<Range> range = key.rule(Range.class);
    if (range.isPresent() && !range.get().contains(v)) {
      Range r = range.get();
      problems.add(key.path() + " is " + v + " but must be between " + r.min() + " and " + r.max());
      return OptionalInt.empty();
    }
    return OptionalInt.of(v);
  }

  /** A whole number inside a group entry: the key's default when absent. */
  int integer(ConfigKey key, String label, JsonNode entry) {
    JsonNode n = entry.path(ConfigKeys.groupField(key));
    int byDefault = Integer.parseInt(key.defaultValue());
    if (n.isMissingNode()) {
      return byDefault;
    }
    Range r =
        key.rule(Range.class)
            .orElseThrow(() -> new IllegalStateException(key.path() + " declares no range"));
    if (!n.canConvertToInt() || !n.isIntegralNumber() || !r.contains(n.asInt())) {
      problems.add(at(label, key) + " must be a whole number from " + r.min() + " to " + r.max());
      return byDefault;
    }
    return n.asInt();
  }

  boolean bool(ConfigKey key) {
    String s = string(key).trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    problems.add(key.path() + " must be true or false, not '" + s + "'");
    return false;
  }

  Duration duration(ConfigKey key) {
    String s = string(key).trim();
    Duration d;
    try {
      d = Durations.parse(s);
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(
          key.path() + " must be a duration such as " + DURATION_FORMS + ", not '" + s + "'");
      return Duration.ZERO;
    }
    admitted(key, key.path(), d, s);
    return d;
  }

  /** A duration inside a group entry: empty when absent or refused. */
  Optional<Duration> optDuration(ConfigKey key, String label, JsonNode entry) {
    JsonNode n = entry.path(ConfigKeys.groupField(key));
    String where = at(label, key);
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    String text = n.asText();
    Duration d;
    try {
      d = Durations.parse(text.trim());
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(
          where + " must be a duration such as " + DURATION_FORMS + ", not '" + text + "'");
      return Optional.empty();
    }
    return admitted(key, where, d, text) ? Optional.of(d) : Optional.empty();
  }

  /** False, with a problem recorded, when the duration fails the key's rule. */
  private boolean admitted(ConfigKey key, String where, Duration d, String text) {
    if (key.rule(NotNegative.class).filter(r -> !r.admits(d)).isPresent()) {
      problems.add(where + " is " + text + " but must not be negative");
      return false;
    }
    if (key.rule(Positive.class).filter(r -> !r.admits(d)).isPresent()) {
      problems.add(where + " must be longer than 0, not '" + text + "'");
      return false;
    }
    return true;
  }

  Optional<URI> uri(ConfigKey key) {
    Optional<String> s = optString(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI u = new URI(s.get());
      if (u.getScheme() == null || u.getHost() == null) {
        problems.add(key.path() + " must be an absolute URI such as http://127.0.0.1:8000");
      }
      return Optional.of(u);
    } catch (URISyntaxException e) {
      problems.add(key.path() + " is not a URI: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * A list of strings: a single string is a list of one; every item must be a non-blank single
   * value, checked against the key's pattern. Empty when unset.
   */
  List<String> stringList(ConfigKey key) {
    String path = key.path();
    JsonNode n = values.get(path);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray() && !n.isValueNode()) {
      problems.add(path + " must be a list of single values, not a mapping");
      return out;
    }
    for (JsonNode item : n.isArray() ? n : List.of(n)) {
      // Only text and numbers: asText() of an empty list item (YAML null) would be "null".
      if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
        problems.add(path + ": every item must be a single, non-blank value");
        continue;
      }
      String s = item.asText().trim();
      checkPattern(key, path, s);
      out.add(s);
    }
    return out;
  }

  Map<String, String> stringMap(ConfigKey key) {
    String path = key.path();
    JsonNode n = values.get(path);
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      problems.add(path + " must be a mapping of property names to values");
      return out;
    }
    n.fields()
        .forEachRemaining(
            e -> {
              // asText() would turn null into "null" and a nested mapping into "": both silently.
              JsonNode value = e.getValue();
              if (value.isNull() || !value.isValueNode()) {
                problems.add(
                    path
                        + "."
                        + e.getKey()
                        + " must be a single value; write nested properties as one dotted key"
                        + " (security.protocol: SASL_SSL)");
              } else {
                out.put(e.getKey(), value.asText());
              }
            });
    return out;
  }

  /**
   * One of the constants of the key's {@link OneOf} rule. A refused value records a problem and
   * yields the default as placeholder.
   */
  <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
    return parse(key, key.path(), string(key), type)
        .orElseGet(() -> constant(type, key.defaultValue()).orElseThrow());
  }

  /** The same inside a group entry: empty when absent or refused. */
  <E extends Enum<E>> Optional<E> choice(
      ConfigKey key, String label, JsonNode entry, Class<E> type) {
    JsonNode n = entry.path(ConfigKeys.groupField(key));
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    return parse(key, at(label, key), n.asText(), type);
  }

  private <E extends Enum<E>> Optional<E> parse(
      ConfigKey key, String where, String text, Class<E> type) {
    OneOf oneOf =
        key.rule(OneOf.class)
            .filter(r -> r.choices() == type)
            .orElseThrow(
                () -> new IllegalStateException(key.path() + " is no choice of " + type.getName()));
    Optional<E> e = constant(type, text);
    if (e.isEmpty()) {
      problems.add(where + " must be one of " + oneOf.names() + ", not '" + text + "'");
    }
    return e;
  }

  /** Names a value of a group entry in problems: {@code group 'fills': partitions}. */
  private static String at(String label, ConfigKey key) {
    return label + ": " + ConfigKeys.groupField(key);
  }

  /** The constant written as {@code text}: in any case, with dashes for underscores. */
  private static <E extends Enum<E>> Optional<E> constant(Class<E> type, String text) {
    String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(wanted)).findFirst();
  }
}
