package io.sluice.apply.internal;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Writes rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for NULL, escaped) as
 * UTF-8 straight into a running {@code COPY ... FROM STDIN} (pgjdbc's {@code CopyIn::writeToCopy}),
 * in chunks, so the server parses one chunk while the next is encoded and no batch is ever held
 * whole as text.
 */
final class CopyTextEncoder {
  static final int CHUNK = 256 * 1024;

  /** Where encoded chunks go. */
  interface Sink {
    void write(byte[] bytes, int offset, int length) throws SQLException;
  }

  private final Sink sink;
  private byte[] buf = new byte[CHUNK + 1024];
  private int len;
  private boolean firstField = true;

  CopyTextEncoder(Sink sink) {
    this.sink = sink;
  }

  void field(String value) {
    separator();
    if (value == null) {
      ensure(2);
      buf[len++] = '\\';
      buf[len++] = 'N';
      return;
    }
    int n = value.length();
    ensure(n);
    int start = len;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 0x80 || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
        // Rare: redo the field through its UTF-8 bytes. Multi-byte UTF-8 sequences never hold
        // ASCII bytes, so escaping byte by byte is exact.
        len = start;
        escaped(value.getBytes(StandardCharsets.UTF_8));
        return;
      }
      buf[len++] = (byte) c;
    }
  }

  /** A number without going through a String; positions are never negative, other values may be. */
  void field(long value) {
    if (value < 0) {
      field(Long.toString(value));
      return;
    }
    separator();
    ensure(19);
    int end = len + digits(value);
    for (int i = end - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    len = end;
  }

  private void separator() {
    if (!firstField) {
      buf[len++] = '\t';
    }
    firstField = false;
  }

  private static int digits(long v) {
    int n = 1;
    while (v >= 10) {
      v /= 10;
      n++;
    }
    return n;
  }

  private void escaped(byte[] bytes) {
    ensure(2 * bytes.length);
    for (byte b : bytes) {
      switch (b) {
        case '\\' -> put('\\', '\\');
        case '\n' -> put('\\', 'n');
        case '\r' -> put('\\', 'r');
        case '\t' -> put('\\', 't');
        default -> buf[len++] = b;
      }
    }
  }

  private void put(char a, char b) {
    buf[len++] = (byte) a;
    buf[len++] = (byte) b;
  }

  /** Room for {@code n} more bytes and a separator. */
  private void ensure(int n) {
    if (len + n + 1 > buf.length) {
      byte[] bigger = new byte[Math.max(buf.length * 2, len + n + 1)];
      System.arraycopy(buf, 0, bigger, 0, len);
      buf = bigger;
    }
  }

  void endRow() throws SQLException {
    ensure(1);
    buf[len++] = '\n';
    firstField = true;
    if (len >= CHUNK) {
      flush();
    }
  }

  /** Sends what is left. */
  void flush() throws SQLException {
    if (len > 0) {
      sink.write(buf, 0, len);
      len = 0;
    }
  }
}
