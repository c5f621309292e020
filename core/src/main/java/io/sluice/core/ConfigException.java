package io.sluice.core;

import java.util.List;

/**
 * Invalid pipeline configuration. Carries every problem found, not just the first, so an operator
 * fixes the file in one pass. sluice refuses to start when this is thrown.
 */
public final class ConfigException extends SluiceException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, one human-readable sentence each, in the order they were found. */
  public List<String> problems() {
    return problems;
  }

  private static String render(List<String> problems) {
    StringBuilder sb =
        new StringBuilder("invalid configuration (")
            .append(problems.size())
            .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) {
      sb.append(System.lineSeparator()).append("  - ").append(p);
    }
    return sb.toString();
  }
}
