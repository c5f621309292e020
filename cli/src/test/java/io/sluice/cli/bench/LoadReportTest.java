package io.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.embedded.bench.LoadSchema;
import io.sluice.embedded.bench.Machine;
import io.sluice.embedded.bench.ResourceUsage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadReportTest {
  private static final LoadSchema SCHEMA = new LoadSchema(1_000_000, 5);

  private static LoadResult load(String contender, double seconds, boolean verified) {
    ResourceUsage u =
        new ResourceUsage(
            seconds, 2 * seconds, seconds, 0.5, 0.7, 300L << 20, 0, 1L << 30, 0.0, Map.of());
    int tables = SCHEMA.tables().size();
    return new LoadResult(
        contender, 1_000_000, tables, u, verified ? tables : tables - 1, Optional.empty());
  }

  private static LoadReport report(List<LoadResult> results) {
    return new LoadReport(
        new Machine(2, 24L << 30, "OpenJDK 17", "Linux", "0.1 0.1 0.1", "cpu"),
        "17.7",
        new LoadOptions(1_000_000, 5, Path.of("x"), Duration.ofSeconds(5)),
        SCHEMA,
        results);
  }

  private static final List<LoadResult> REFERENCES =
      List.of(load("copy-1", 4.0, true), load("copy-2", 2.5, true), load("native", 5.0, true));

  @Test
  void withoutSluiceTheLastLineNamesTheReferences() {
    StringWriter out = new StringWriter();
    report(REFERENCES).print(new PrintWriter(out));
    List<String> lines = out.toString().lines().toList();
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo(
            "load references: COPY 250,000 rows/s, 2-stream COPY 400,000 rows/s,"
                + " native sync 200,000 rows/s");
    assertThat(out.toString()).doesNotContain("FAILED");
  }

  @Test
  void withSluiceTheLastLineIsItsRatioToSingleStreamCopy() {
    LoadReport r =
        report(
            List.of(
                load("sluice", 2.0, true),
                load("copy-1", 4.0, true),
                load("copy-2", 2.5, true),
                load("native", 5.0, true)));
    assertThat(r.ratio()).isEqualTo(2.0);
    assertThat(r.lastLine())
        .isEqualTo(
            "load ratio vs single-stream COPY: 2.00 (sluice 500,000 rows/s, COPY 250,000 rows/s,"
                + " native sync 200,000 rows/s)");
  }

  @Test
  void anUnverifiedLoadHasNoRateAndIsNamed() {
    LoadReport r = report(List.of(load("sluice", 2.0, false), load("copy-1", 4.0, true)));
    assertThat(r.ratio()).isNaN();
    StringWriter out = new StringWriter();
    r.print(new PrintWriter(out));
    assertThat(out.toString()).contains("verification FAILED for sluice: their figures are void");
    assertThat(r.lastLine()).startsWith("load ratio vs single-stream COPY: NaN (sluice NaN rows/s");
  }

  @Test
  void theJsonHasOneLoadPerContenderAndANullRatioWithoutSluice(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bench-load.json");
    report(REFERENCES).writeJson(file);
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.path("loads")).hasSize(3);
    assertThat(json.path("loads").get(1).path("contender").asText()).isEqualTo("copy-2");
    assertThat(json.path("loads").get(1).path("peakLiveHeapBytes").isNull()).isTrue();
    assertThat(json.path("ratioVsSingleStreamCopy").isNull()).isTrue();
    assertThat(json.path("verified").asBoolean()).isTrue();
    assertThat(json.path("schema").path("rows").asLong()).isEqualTo(1_228_759L);
  }
}
