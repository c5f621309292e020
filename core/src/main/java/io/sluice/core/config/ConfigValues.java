package io.sluice.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to flattened configuration values. A missing required or malformed value records a
 * problem and yields a placeholder, so binding continues and every problem is found in one pass.
 */
final class ConfigValues {

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

  Optional<String> optString(String path) {
    JsonNode n = values.get(path);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isValueNode()) {
      problems.add(path + " must be a single value, not a " + n.getNodeType().name().toLowerCase());
      return Optional.empty();
    }
    String s = n.asText();
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  String string(String path) {
    Optional<String> v = optString(path);
    if (v.isPresent()) {
      return v.get();
    }
    ConfigKey key = key(path);
    if (key.required()) {
      problems.add(path + " is required (or set " + key.envName() + ")");
      return "";
    }
    return key.defaultValue() == null ? "" : key.defaultValue();
  }

  Secret secret(String path) {
    return new Secret(optString(path).orElse(""));
  }

  int integer(String path, int min, int max) {
    String s = string(path);
    if (s.isEmpty()) {
      return min;
    }
    try {
      int v = Integer.parseInt(s.trim());
      if (v < min || v > max) {
        problems.add(path + " is " + v + " but must be between " + min + " and " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      problems.add(path + " must be a whole number, not '" + s + "'");
      return min;
    }
  }

  boolean bool(String path) {
    String s = string(path).trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    problems.add(path + " must be true or false, not '" + s + "'");
    return false;
  }

  Duration duration(String path) {
    String s = string(path).trim();
    Duration d;
    try {
      d = Durations.parse(s);
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(
          path + " must be a duration such as 200ms, 10s, 5m, 1h or PT10S, not '" + s + "'");
      return Duration.ZERO;
    }
    if (d.isNegative()) {
      problems.add(path + " is " + s + " but must not be negative");
    }
    return d;
  }

  Optional<URI> uri(String path) {
    Optional<String> s = optString(path);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI u = new URI(s.get());
      if (u.getScheme() == null || u.getHost() == null) {
        problems.add(path + " must be an absolute URI such as http://127.0.0.1:8000");
      }
      return Optional.of(u);
    } catch (URISyntaxException e) {
      problems.add(path + " is not a URI: " + e.getMessage());
      return Optional.empty();
    }
  }

  Map<String, String> stringMap(String path) {
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

  /** An optional choice among an enum's constants, written in lowercase with dashes. */
  <E extends Enum<E>> Optional<E> choice(String path, Class<E> type) {
    return Optional.of(string(path)).filter(s -> !s.isEmpty()).flatMap(s -> parse(path, s, type));
  }

  /** The same for a value found inside a list entry (a group), named by {@code where}. */
  static <E extends Enum<E>> Optional<E> choice(
      String where, JsonNode n, Class<E> type, ConfigValues values) {
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    return values.parse(where, n.asText(), type);
  }

  private <E extends Enum<E>> Optional<E> parse(String where, String text, Class<E> type) {
    String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return Optional.of(e);
      }
    }
    List<String> allowed =
        java.util.Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
            .toList();
    problems.add(where + " must be one of " + allowed + ", not '" + text + "'");
    return Optional.empty();
  }

  private static ConfigKey key(String path) {
    return ConfigKeys.find(path)
        .orElseThrow(() -> new IllegalStateException("undeclared config key " + path));
  }
}
