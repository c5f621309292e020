package io.sluice.embedded.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing tool fails a test under CI=true and skips it elsewhere. */
class ExternalToolTest {
  private static final String PATH = System.getenv().getOrDefault("PATH", "");

  @Test
  void aMissingToolFailsUnderCi() {
    assertThatThrownBy(
            () -> ExternalTool.require("sluice-no-such-tool", Map.of("PATH", PATH, "CI", "true")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sluice-no-such-tool is not installed")
        .hasMessageContaining("apt-get install");
  }

  @Test
  void aMissingToolSkipsOutsideCi() {
    assertThatThrownBy(() -> ExternalTool.require("sluice-no-such-tool", Map.of("PATH", PATH)))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void aToolOnThePathIsFound() {
    assertThat(ExternalTool.require("sh", Map.of("PATH", PATH, "CI", "true")).getFileName())
        .hasToString("sh");
  }
}
