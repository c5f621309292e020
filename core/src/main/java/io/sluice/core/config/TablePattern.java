package io.sluice.core.config;

import io.sluice.core.schema.TableId;
import java.util.regex.Pattern;

/**
 * A table name or a pattern with {@code *} wildcards, such as {@code public.ref_*}. A bare name
 * means schema {@code public}.
 */
public record TablePattern(String text) {
  public boolean isPattern() {
    return text.indexOf('*') >= 0;
  }

  public String qualified() {
    return text.indexOf('.') < 0 ? "public." + text : text;
  }

  public boolean matches(TableId table) {
    String name = table.toString();
    if (!isPattern()) {
      return name.equals(qualified());
    }
    StringBuilder regex = new StringBuilder();
    for (String part : qualified().split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.matches(regex.toString(), name);
  }

  @Override
  public String toString() {
    return text;
  }
}
