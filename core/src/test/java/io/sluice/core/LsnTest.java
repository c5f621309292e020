package io.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {
  @ParameterizedTest
  @CsvSource({
    "16/B374D848, 97500059720",
    "0/0, 0",
    "0/1, 1",
    "1/0, 4294967296",
    "FFFFFFFF/FFFFFFFF, -1",
    "80000000/0, -9223372036854775808"
  })
  void parsesAndFormatsTheServerTextForm(String text, long value) {
    Lsn lsn = Lsn.parse(text);

    assertThat(lsn.value()).isEqualTo(value);
    assertThat(lsn).hasToString(text);
    assertThat(Lsn.parse(lsn.toString())).isEqualTo(lsn);
  }

  @Test
  void acceptsLowerCaseAndLeadingZerosAndPrintsTheCanonicalForm() {
    assertThat(Lsn.parse("16/b374d848")).hasToString("16/B374D848");
    assertThat(Lsn.parse("00000016/0000000A")).hasToString("16/A");
    assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.ZERO);
  }

  @Test
  void ordersUnsignedSoTheHighestPositionsSortLast() {
    Lsn max = Lsn.parse("FFFFFFFF/FFFFFFFF");
    Lsn highBit = Lsn.parse("80000000/0");
    Lsn belowHighBit = Lsn.parse("7FFFFFFF/FFFFFFFF");
    Lsn one = Lsn.parse("1/0");
    Lsn justBelowOne = Lsn.parse("0/FFFFFFFF");

    List<Lsn> sorted =
        new ArrayList<>(List.of(max, highBit, Lsn.ZERO, one, belowHighBit, justBelowOne));
    sorted.sort(null);

    assertThat(sorted).containsExactly(Lsn.ZERO, justBelowOne, one, belowHighBit, highBit, max);
    assertThat(max.compareTo(Lsn.ZERO)).isPositive();
    assertThat(Lsn.ZERO.compareTo(max)).isNegative();
    assertThat(one.compareTo(Lsn.parse("1/0"))).isZero();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "16",
        "/1",
        "1/",
        "1/2/3",
        "g/1",
        "16/B374D84Z",
        "-1/0",
        "+1/0",
        "0/-1",
        " 1/0",
        "100000000/0", // a high half wider than 32 bits
        "0/100000000" // a low half that would spill into the high half
      })
  void rejectsMalformedTextNamingItAndTheExpectedForm(String text) {
    assertThatThrownBy(() -> Lsn.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not an LSN: '" + text + "'")
        .hasMessageContaining("e.g. 16/B374D848");
  }
}
