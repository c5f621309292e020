package io.sluice.deploy;

import io.sluice.core.MetricNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Prometheus names of the metrics sluice exports, from {@link MetricNames}. */
final class SluiceMetrics {
  private static final Pattern SLUICE_NAME = Pattern.compile("\\bsluice_[a-z0-9_]+");
  private static final List<String> SUFFIXES =
      List.of(
          "",
          "_total",
          "_seconds",
          "_bytes",
          "_seconds_bucket",
          "_seconds_count",
          "_seconds_sum",
          "_seconds_max");

  private SluiceMetrics() {}

  /** Every series name a sluice meter may appear under in a scrape. */
  static Set<String> exportable() {
    Set<String> names = new HashSet<>();
    for (Field f : MetricNames.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          String base = ((String) f.get(null)).replace('.', '_');
          SUFFIXES.forEach(s -> names.add(base + s));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return names;
  }

  /** The {@code sluice_*} names an expression uses. */
  static Set<String> usedIn(String expression) {
    Set<String> used = new TreeSet<>();
    Matcher m = SLUICE_NAME.matcher(expression);
    while (m.find()) {
      used.add(m.group());
    }
    return used;
  }
}
