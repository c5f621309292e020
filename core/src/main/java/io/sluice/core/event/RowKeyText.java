package io.sluice.core.event;

import java.util.Collection;
import java.util.Map;

/**
 * A row's identity within its table as text: its key values as a JSON array, in key order ({@code
 * ["1","EUR"]}, {@code null} for SQL NULL). It is not a wire format but stored state: apply stages
 * it with each change and keeps it in the target's {@code _sluice.tombstones}, so the text of a key
 * must never change between releases.
 */
public final class RowKeyText {
  private RowKeyText() {}

  /** The key values as a JSON array, in the key's order. */
  public static String of(Map<String, String> key) {
    return of(key.values());
  }

  /** Values as a JSON array, in iteration order. */
  public static String of(Collection<String> values) {
    StringBuilder sb = new StringBuilder(32).append('[');
    boolean first = true;
    for (String v : values) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      appendJsonString(sb, v);
    }
    return sb.append(']').toString();
  }

  private static void appendJsonString(StringBuilder sb, String v) {
    if (v == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
