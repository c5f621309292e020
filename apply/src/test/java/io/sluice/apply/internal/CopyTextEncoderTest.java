package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CopyTextEncoderTest {

  @Test
  void fieldsAreTabSeparatedAndEveryRowEndsWithANewline() {
    CopyTextEncoder enc = new CopyTextEncoder();
    enc.field("a");
    enc.field("b");
    enc.endRow();
    enc.field("c");
    enc.endRow();

    assertThat(text(enc)).isEqualTo("a\tb\nc\n");
  }

  @Test
  void nullIsBackslashNAndDistinctFromTheTextBackslashN() {
    CopyTextEncoder enc = new CopyTextEncoder();
    enc.field(null);
    enc.field("\\N");
    enc.field("");
    enc.endRow();

    assertThat(text(enc)).isEqualTo("\\N\t\\\\N\t\n");
  }

  @Test
  void backslashTabNewlineAndCarriageReturnAreEscaped() {
    CopyTextEncoder enc = new CopyTextEncoder();
    enc.field("back\\slash\ttab\nnewline\rreturn\r\n");
    enc.endRow();

    assertThat(text(enc)).isEqualTo("back\\\\slash\\ttab\\nnewline\\rreturn\\r\\n\n");
  }

  @Test
  void unicodeIsKeptAsUtf8() {
    String value = "Zoë 王 🚀 مرحبا e\u0301 \u200f";
    CopyTextEncoder enc = new CopyTextEncoder();
    enc.field(value);
    enc.endRow();

    assertThat(enc.bytes()).isEqualTo((value + "\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noRowsNoBytes() {
    assertThat(new CopyTextEncoder().bytes()).isEmpty();
  }

  private static String text(CopyTextEncoder enc) {
    return new String(enc.bytes(), StandardCharsets.UTF_8);
  }
}
