package io.sluice.apply.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyTextEncoderTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<Integer> chunks = new ArrayList<>();
  private final CopyTextEncoder enc =
      new CopyTextEncoder(
          (bytes, offset, length) -> {
            chunks.add(length);
            out.write(bytes, offset, length);
          });

  @Test
  void fieldsAreTabSeparatedAndEveryRowEndsWithANewline() throws SQLException {
    enc.field("a");
    enc.field("b");
    enc.endRow();
    enc.field("c");
    enc.endRow();

    assertThat(text()).isEqualTo("a\tb\nc\n");
  }

  @Test
  void nullIsBackslashNAndDistinctFromTheTextBackslashN() throws SQLException {
    enc.field(null);
    enc.field("\\N");
    enc.field("");
    enc.endRow();

    assertThat(text()).isEqualTo("\\N\t\\\\N\t\n");
  }

  @Test
  void backslashTabNewlineAndCarriageReturnAreEscaped() throws SQLException {
    enc.field("back\\slash\ttab\nnewline\rreturn\r\n");
    enc.endRow();

    assertThat(text()).isEqualTo("back\\\\slash\\ttab\\nnewline\\rreturn\\r\\n\n");
  }

  @Test
  void unicodeIsKeptAsUtf8AndEscapedAroundIt() throws SQLException {
    String value = "Zoë 王 🚀 مرحبا e\u0301 \u200f \u0000\u007f";
    enc.field("plain");
    enc.field(value);
    enc.field("ü\t\\");
    enc.endRow();

    assertThat(bytes())
        .isEqualTo(("plain\t" + value + "\tü\\t\\\\\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rowsGoOutInChunksAndAValueLargerThanAChunkArrivesWhole() throws SQLException {
    String big = "x".repeat(3 * CopyTextEncoder.CHUNK) + "é\n";
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      enc.field(Integer.toString(i));
      enc.field("row " + i + " of many");
      enc.endRow();
      expected.append(i).append("\trow ").append(i).append(" of many\n");
    }
    enc.field(big);
    enc.endRow();
    expected.append(big.replace("\n", "\\n")).append('\n');
    enc.flush();

    assertThat(text()).isEqualTo(expected.toString());
    assertThat(chunks).hasSizeGreaterThan(1);
  }

  @Test
  void longsAreWrittenAsTheirDecimalText() throws SQLException {
    long[] values = {0, 7, -1, 10, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE, -987654321};
    StringBuilder expected = new StringBuilder();
    for (long v : values) {
      enc.field("x");
      enc.field(v);
      enc.endRow();
      expected.append("x\t").append(v).append('\n');
    }

    assertThat(text()).isEqualTo(expected.toString());
  }

  @Test
  void noRowsNoBytes() throws SQLException {
    enc.flush();

    assertThat(bytes()).isEmpty();
    assertThat(chunks).isEmpty();
  }

  private byte[] bytes() throws SQLException {
    enc.flush();
    return out.toByteArray();
  }

  private String text() throws SQLException {
    return new String(bytes(), StandardCharsets.UTF_8);
  }
}
