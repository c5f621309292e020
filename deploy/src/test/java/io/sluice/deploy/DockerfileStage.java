package io.sluice.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last stage of a Dockerfile, the one that makes the image: its instructions with continued
 * lines joined and comments dropped. Enough of the syntax for sluice's own Dockerfile, not a
 * general parser.
 */
final class DockerfileStage {
  private static final Pattern PAIR = Pattern.compile("([\\w.\\-]+)=\"([^\"]*)\"");

  private final List<String[]> instructions = new ArrayList<>();

  DockerfileStage(Path dockerfile) throws IOException {
    StringBuilder line = new StringBuilder();
    for (String raw : Files.readAllLines(dockerfile)) {
      if (raw.startsWith("#")) {
        continue;
      }
      if (raw.endsWith("\\")) {
        line.append(raw, 0, raw.length() - 1).append(' ');
        continue;
      }
      String full = line.append(raw).toString().trim();
      line.setLength(0);
      if (full.isEmpty()) {
        continue;
      }
      String[] kv = full.split("\\s+", 2);
      if (kv[0].equalsIgnoreCase("FROM")) {
        instructions.clear();
      }
      instructions.add(new String[] {kv[0].toUpperCase(), kv.length > 1 ? kv[1] : ""});
    }
  }

  /** The argument of every instruction of this name, in order. */
  List<String> all(String instruction) {
    List<String> out = new ArrayList<>();
    for (String[] i : instructions) {
      if (i[0].equals(instruction)) {
        out.add(i[1]);
      }
    }
    return out;
  }

  /** The argument of the one instruction of this name. */
  String one(String instruction) {
    List<String> all = all(instruction);
    if (all.size() != 1) {
      throw new IllegalStateException(
          "expected one " + instruction + " in the last stage, found " + all);
    }
    return all.get(0);
  }

  /** The {@code key="value"} pairs of every instruction of this name (ENV, LABEL). */
  Map<String, String> pairs(String instruction) {
    Map<String, String> out = new TreeMap<>();
    for (String arg : all(instruction)) {
      Matcher m = PAIR.matcher(arg);
      while (m.find()) {
        out.put(m.group(1), m.group(2));
      }
    }
    return out;
  }
}
