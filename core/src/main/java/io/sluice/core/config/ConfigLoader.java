package io.sluice.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sluice.core.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a pipeline configuration from YAML plus {@code SLUICE_*} environment overrides and checks
 * it as a whole: every unknown key, missing value, malformed value and conflicting group is
 * reported in one {@link ConfigException}. Never fills in a corrected value for a bad one.
 */
public final class ConfigLoader {
  /** Environment variables with the {@code SLUICE_} prefix that are not configuration keys. */
  private static final Set<String> NON_CONFIG_ENV =
      Set.of(
          "SLUICE_JAVA_OPTS",
          "SLUICE_HOME",
          "SLUICE_REBUILD",
          "SLUICE_WORKER_ID",
          "SLUICE_CTL_TOKEN");

  /** Rejects a key written twice in one mapping instead of silently keeping the last value. */
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private final Map<String, String> env;
  private final CredentialSources credentials;

  /** A loader for commands that never reach AWS for database credentials. */
  public ConfigLoader(Map<String, String> env) {
    this(env, CredentialSources.NONE);
  }

  /**
   * A loader whose configurations take database credentials from {@code credentials} where {@code
   * auth: iam} or {@code password-secret} says so.
   */
  public ConfigLoader(Map<String, String> env, CredentialSources credentials) {
    this.env = Map.copyOf(env);
    this.credentials = credentials;
  }

  public PipelineConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of("config file " + file + " does not exist"));
    } catch (IOException e) {
      throw new ConfigException(List.of("cannot read config file " + file + ": " + e));
    }
    return parse(text, file.toString());
  }

  /** Parses YAML text; {@code origin} names it in messages. */
  public PipelineConfig parse(String yaml, String origin) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          List.of(origin + " is not valid YAML: " + e.getOriginalMessage() + locationOf(e)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    List<String> problems = new ArrayList<>();
    if (!root.isObject()) {
      throw new ConfigException(List.of(origin + " must be a mapping of sections"));
    }
    Map<String, JsonNode> values = new LinkedHashMap<>();
    flatten("", (ObjectNode) root, values, problems);
    applyEnvironment(values, problems);
    ConfigValues v = new ConfigValues(values, problems);
    PipelineConfig config = new ConfigBinder(v, credentials).bind();
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private static void flatten(
      String prefix, ObjectNode node, Map<String, JsonNode> out, List<String> problems) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (path.equals(ConfigKeys.GROUPS)) {
        out.put(path, e.getValue());
      } else if (ConfigKeys.find(path).isPresent()) {
        out.put(path, e.getValue());
      } else if (isSectionPrefix(path)) {
        if (e.getValue().isObject()) {
          flatten(path, (ObjectNode) e.getValue(), out, problems);
        } else if (!e.getValue().isNull()) {
          problems.add(path + " must be a mapping of keys such as " + firstKeyUnder(path));
        }
      } else {
        problems.add("unknown key '" + path + "'" + suggestion(path));
      }
    }
  }

  private static boolean isSectionPrefix(String path) {
    return ConfigKeys.ALL.stream().anyMatch(k -> k.path().startsWith(path + "."));
  }

  private static String firstKeyUnder(String section) {
    return ConfigKeys.ALL.stream()
        .map(ConfigKey::path)
        .filter(p -> p.startsWith(section + "."))
        .findFirst()
        .orElseThrow();
  }

  private static String suggestion(String path) {
    List<String> candidates = new ArrayList<>(List.of(ConfigKeys.GROUPS));
    for (ConfigKey k : ConfigKeys.ALL) {
      candidates.add(k.path());
      // Sections too, so a misspelt section ("sorce:") gets a suggestion.
      for (int dot = k.path().indexOf('.'); dot > 0; dot = k.path().indexOf('.', dot + 1)) {
        candidates.add(k.path().substring(0, dot));
      }
    }
    return closest(path, candidates)
        .map(best -> " (did you mean '" + best + "'?)")
        .orElse(" (see docs/configuration.md)");
  }

  /**
   * The candidate nearest to {@code word} by edit distance, if one is close enough to be a typo.
   */
  static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = 4;
    for (String c : candidates) {
      int d = editDistance(word, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  private void applyEnvironment(Map<String, JsonNode> values, List<String> problems) {
    Map<String, ConfigKey> byEnv = new HashMap<>();
    for (ConfigKey k : ConfigKeys.ALL) {
      if (k.envOverridable()) {
        byEnv.put(k.envName(), k);
      }
    }
    env.keySet().stream()
        .filter(name -> name.startsWith("SLUICE_"))
        .sorted()
        .forEach(
            name -> {
              ConfigKey key = byEnv.get(name);
              if (key != null) {
                values.put(key.path(), YAML.getNodeFactory().textNode(env.get(name)));
              } else if (!NON_CONFIG_ENV.contains(name)) {
                problems.add(
                    "environment variable "
                        + name
                        + " matches no configuration key"
                        + " (see docs/configuration.md for the variable of each key)");
              }
            });
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
