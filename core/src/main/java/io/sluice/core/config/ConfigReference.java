package io.sluice.core.config;

import io.sluice.core.config.ConfigKey.Type;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the configuration reference, {@code docs/configuration.md}, from {@link ConfigKeys}: the
 * descriptors are the single source of truth, so the documented keys, types, defaults and
 * environment variables are the ones the loader actually reads. {@code ConfigReferenceTest} fails
 * when the checked-in file differs from {@link #markdown()}.
 */
public final class ConfigReference {
  /**
   * How to rewrite the file from the repository root; printed in the file itself and in the
   * staleness test's failure. The test does the writing because the build declares no exec plugin;
   * {@link #main} does the same from a plain {@code java} command line.
   */
  static final String REGENERATE_COMMAND =
      "./mvnw -q -o -pl core test -Dtest=ConfigReferenceTest -Dsluice.docs.regenerate=true";

  private ConfigReference() {}

  /** Writes the reference to the path given as the only argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ConfigReference <output file, e.g. docs/configuration.md>");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    Files.writeString(out, markdown(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath().normalize());
  }

  /** The whole reference as Markdown, ending with a newline. */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n");
    md.append(
            "<!-- Generated from io.sluice.core.config.ConfigKeys by ConfigReference; do not edit.")
        .append("\n     Regenerate with: ")
        .append(REGENERATE_COMMAND)
        .append(" -->\n\n");
    md.append(intro()).append("\n");
    for (Map.Entry<String, List<ConfigKey>> section : sections().entrySet()) {
      md.append("\n## `").append(section.getKey()).append("`\n\n");
      if (section.getKey().equals(ConfigKeys.GROUPS)) {
        md.append(
            "`groups` is a list with at least one entry; each entry has the keys below. Group keys"
                + " are set in the file only.\n\n");
      }
      table(md, section.getValue());
    }
    return md.toString();
  }

  private static String intro() {
    ConfigKey rows = ConfigKeys.APPLY_BATCH_ROWS;
    ConfigKey servers = ConfigKeys.KAFKA_BOOTSTRAP_SERVERS;
    return "A pipeline is configured by one YAML file whose nested sections mirror the dotted keys"
        + " below (`apply.batch.rows` is `rows` under `batch` under `apply`). Every key that holds"
        + " a single value can be overridden by an environment variable named `SLUICE_` followed"
        + " by the key in upper case with each `.` and `-` replaced by `_` (`"
        + rows.path()
        + "` becomes `"
        + rows.envName()
        + "`, `"
        + servers.path()
        + "` becomes `"
        + servers.envName()
        + "`); the environment wins over the file, and a `SLUICE_*` variable that names no key is"
        + " an error. Secrets (type `secret`) come only from their environment variable or the"
        + " file; prefer the environment, so that no password sits in a file under version"
        + " control. They are masked whenever the configuration is printed. Durations are written `200ms`, `10s`, `5m`,"
        + " `1h` or in ISO-8601 (`PT5S`). The configuration is checked as a whole at startup:"
        + " every problem (unknown keys, with a suggestion when one is close; missing or"
        + " malformed values; values a key does not accept; conflicting groups) is reported at"
        + " once, nothing is corrected silently, and sluice refuses to start until all are fixed."
        + " The last column of each table says which values a key accepts beyond its type (—"
        + " when its type says it all).";
  }

  /** Keys grouped by their first path segment, sections in the order of {@link ConfigKeys#ALL}. */
  private static Map<String, List<ConfigKey>> sections() {
    Map<String, List<ConfigKey>> sections = new LinkedHashMap<>();
    for (ConfigKey k : ConfigKeys.ALL) {
      String section = k.path().substring(0, k.path().indexOf('.'));
      sections.computeIfAbsent(section, s -> new ArrayList<>()).add(k);
    }
    sections.put(ConfigKeys.GROUPS, ConfigKeys.GROUP_KEYS);
    return sections;
  }

  private static void table(StringBuilder md, List<ConfigKey> keys) {
    md.append("| key | type | default | environment variable | description | valid values |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (ConfigKey k : keys) {
      md.append("| `")
          .append(k.path())
          .append("` | ")
          .append(typeName(k.type()))
          .append(" | ")
          .append(defaultText(k))
          .append(" | ")
          .append(
              k.envOverridable() && !k.path().startsWith(ConfigKeys.GROUPS)
                  ? code(k.envName())
                  : "—")
          .append(" | ")
          .append(cell(k.description()))
          .append(" | ")
          .append(k.rule().map(r -> cell(r.text())).orElse("—"))
          .append(" |\n");
    }
  }

  private static String defaultText(ConfigKey k) {
    if (k.required()) {
      return "required";
    }
    if (k.defaultValue() == null) {
      return "—";
    }
    return k.defaultValue().isEmpty() ? "empty" : code(k.defaultValue());
  }

  private static String typeName(Type type) {
    return switch (type) {
      case STRING -> "string";
      case INT -> "integer";
      case BOOLEAN -> "boolean";
      case DURATION -> "duration";
      case SECRET -> "secret";
      case URI -> "URI";
      case STRING_LIST -> "list of strings";
      case STRING_MAP -> "map of strings";
    };
  }

  private static String code(String text) {
    return "`" + text + "`";
  }

  /** Makes text safe inside a table cell: a pipe would end the cell, a newline the row. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
