package io.sluice.apply.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes rows in PostgreSQL's COPY text format: tab-separated, {@code \N} for NULL, escaped. */
final class CopyTextEncoder {
  private final StringBuilder line = new StringBuilder(256);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
  private boolean firstField = true;

  void field(String value) {
    if (!firstField) {
      line.append('\t');
    }
    firstField = false;
    if (value == null) {
      line.append("\\N");
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> line.append("\\\\");
        case '\n' -> line.append("\\n");
        case '\r' -> line.append("\\r");
        case '\t' -> line.append("\\t");
        default -> line.append(c);
      }
    }
  }

  void endRow() {
    line.append('\n');
    out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
    line.setLength(0);
    firstField = true;
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
