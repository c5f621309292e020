package io.sluice.core.config;

import io.sluice.core.config.ConfigKey.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a key's value must satisfy beyond being of the key's type. A rule is written once, in the
 * key's descriptor in {@link ConfigKeys}: the loader checks values against it and the configuration
 * reference prints its {@link #text()}.
 */
public sealed interface ConfigRule {

  /** The rule as the configuration reference states it, such as {@code 1 to 64}. */
  String text();

  /** True when a key of this type can carry the rule. */
  boolean fits(Type type);

  /** A whole number from {@code min} to {@code max}, both included. */
  static Range between(int min, int max) {
    return new Range(min, max);
  }

  /**
   * Text that {@code regex} matches as a whole (each item, for a list); {@code requirement} says in
   * words what it allows.
   */
  static Matches matching(String regex, String requirement) {
    return new Matches(Pattern.compile(regex), requirement);
  }

  /** The lowercase, dashed name of one of an enum's constants. */
  static OneOf oneOf(Class<? extends Enum<?>> choices) {
    return new OneOf(choices);
  }

  /** A duration of zero or more. */
  static NotNegative notNegative() {
    return new NotNegative();
  }

  /** A duration longer than zero. */
  static Positive positive() {
    return new Positive();
  }

  /** A whole number from {@code min} to {@code max}, both included. */
  record Range(int min, int max) implements ConfigRule {
    public Range {
      if (min > max) {
        throw new IllegalArgumentException("empty range " + min + " to " + max);
      }
    }

    public boolean contains(int value) {
      return value >= min && value <= max;
    }

    @Override
    public String text() {
      return min + " to " + max;
    }

    @Override
    public boolean fits(Type type) {
      return type == Type.INT;
    }
  }

  /**
   * Text that {@code pattern} matches as a whole.
   *
   * @param requirement what the pattern allows, in words, as problems state it after the value
   */
  record Matches(Pattern pattern, String requirement) implements ConfigRule {
    public boolean matches(String value) {
      return pattern.matcher(value).matches();
    }

    @Override
    public String text() {
      return "`" + pattern.pattern() + "`";
    }

    @Override
    public boolean fits(Type type) {
      return type == Type.STRING || type == Type.STRING_LIST;
    }
  }

  /**
   * One of the constants of {@code choices}, written in lowercase with dashes ({@code DEAD_LETTER}
   * is {@code dead-letter}).
   */
  record OneOf(Class<? extends Enum<?>> choices) implements ConfigRule {
    /** The constants as they are written, in declaration order. */
    public List<String> names() {
      return Arrays.stream(choices.getEnumConstants())
          .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .toList();
    }

    @Override
    public String text() {
      return names().stream().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
    }

    @Override
    public boolean fits(Type type) {
      return type == Type.STRING;
    }
  }

  /** A duration of zero or more. */
  record NotNegative() implements ConfigRule {
    public boolean admits(Duration d) {
      return !d.isNegative();
    }

    @Override
    public String text() {
      return "not negative";
    }

    @Override
    public boolean fits(Type type) {
      return type == Type.DURATION;
    }
  }

  /** A duration longer than zero. */
  record Positive() implements ConfigRule {
    public boolean admits(Duration d) {
      return !d.isNegative() && !d.isZero();
    }

    @Override
    public String text() {
      return "longer than 0";
    }

    @Override
    public boolean fits(Type type) {
      return type == Type.DURATION;
    }
  }
}
