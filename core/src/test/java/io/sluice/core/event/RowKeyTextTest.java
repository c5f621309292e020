package io.sluice.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text of a key is stored on the target: these pin it. */
class RowKeyTextTest {
  @Test
  void escapesIntoValidJson() throws Exception {
    Map<String, String> key = row("a", "say \"hi\"\\", "b", "\n\u0001\t", "c", null, "d", "é🚀");

    String text = RowKeyText.of(key);

    assertThat(text).isEqualTo("[\"say \\\"hi\\\"\\\\\",\"\\u000a\\u0001\\u0009\",null,\"é🚀\"]");
    List<String> parsed = new ObjectMapper().readValue(text, new TypeReference<List<String>>() {});
    assertThat(parsed).containsExactlyElementsOf(key.values());
  }

  @Test
  void dependsOnValuesInKeyOrder() {
    assertThat(RowKeyText.of(row("a", "1", "b", "2"))).isEqualTo("[\"1\",\"2\"]");
    assertThat(RowKeyText.of(row("a", "2", "b", "1"))).isEqualTo("[\"2\",\"1\"]");
    assertThat(RowKeyText.of(row("a", "1,2"))).isEqualTo("[\"1,2\"]");
  }

  /** An ordered map from alternating names and values; values may be null. */
  private static Map<String, String> row(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }
}
