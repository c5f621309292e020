package io.sluice.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as people write them: {@code 200ms}, {@code 10s}, {@code 5m}, {@code 1h}, or
 * ISO-8601.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the accepted forms when the text is none of them or is
   *     negative
   */
  public static Duration parse(String text) {
    String s = text.trim();
    Matcher m = SHORT.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use 200ms, 10s, 5m, 1h or ISO-8601 such as PT10S)");
    }
  }

  /** Writes a duration as {@link #parse} reads it, in the largest whole unit: 3s, 200ms, 5m. */
  public static String format(Duration d) {
    if (d.toMillis() % 1_000 != 0 || d.isZero()) {
      return d.toMillis() + "ms";
    }
    long seconds = d.toSeconds();
    if (seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
