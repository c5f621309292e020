package io.sluice.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges scrapes of several meter registries (the two directions of a cut-over pipeline in one
 * process) into one Prometheus text exposition: each metric family once, with its HELP and TYPE
 * from the first scrape that has it and the samples of all of them. Their series differ by the
 * {@code pipeline} label, so no sample repeats.
 */
final class PrometheusText {
  private PrometheusText() {}

  static String merge(List<String> scrapes) {
    if (scrapes.size() == 1) {
      return scrapes.get(0);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    Map<String, List<String>> samples = new LinkedHashMap<>();
    for (String scrape : scrapes) {
      String family = "";
      for (String line : scrape.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
          String name = line.substring(7).split(" ", 2)[0];
          family = name;
          samples.computeIfAbsent(name, k -> new ArrayList<>());
          List<String> h = headers.computeIfAbsent(name, k -> new ArrayList<>());
          if (h.stream().noneMatch(l -> l.startsWith(line.substring(0, 7)))) {
            h.add(line);
          }
          continue;
        }
        if (line.startsWith("#")) {
          continue;
        }
        samples.computeIfAbsent(family, k -> new ArrayList<>()).add(line);
      }
    }
    StringBuilder out = new StringBuilder();
    samples.forEach(
        (name, lines) -> {
          headers.getOrDefault(name, List.of()).forEach(h -> out.append(h).append('\n'));
          lines.forEach(l -> out.append(l).append('\n'));
        });
    return out.toString();
  }
}
