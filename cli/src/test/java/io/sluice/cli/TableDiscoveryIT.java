package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.apply.ApplyWorker;
import io.sluice.capture.load.LoadListener;
import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.TestIsolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Tables joining a running pipeline: one added to a group's list in the configuration file, one
 * created under a group's pattern. Each is copied and then streams, while apply keeps running and
 * the tables captured before go on streaming.
 */
class TableDiscoveryIT {
  private static String settings(String initialLoad) {
    return """
        capture:
          initial-load: %s
          table-discovery-interval: 1s
        """
        .formatted(initialLoad);
  }

  @Test
  void underTheCopyLoadTablesAddedToTheConfigurationOrMatchingAPatternJoinWhileThePipelineRuns()
      throws Exception {
    tablesJoin("copy");
  }

  /** The first rows came through Kafka; a table that joins later is copied all the same. */
  @Test
  void underTheKafkaLoadTablesThatJoinAreCopiedToo() throws Exception {
    tablesJoin("kafka");
  }

  private static void tablesJoin(String initialLoad) throws Exception {
    String settings = settings(initialLoad);
    try (TestIsolation slice = TestIsolation.create("discovery " + initialLoad);
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      exec(
          source,
          "CREATE TABLE quotes (id int PRIMARY KEY, bid numeric)",
          "INSERT INTO quotes SELECT g, g / 3.0 FROM generate_series(1, 100) g",
          "CREATE SCHEMA book",
          "CREATE TABLE book.venues (code text PRIMARY KEY)",
          "INSERT INTO book.venues VALUES ('X'), ('Y')",
          "CREATE TABLE fills (id int PRIMARY KEY, px numeric(38,18), venue text)",
          "INSERT INTO fills SELECT g, g * 1.5, 'X' || g FROM generate_series(1, 2000) g");
      Path file = Path.of("target", "discovery-it-" + initialLoad + ".yaml");
      Files.writeString(
          file,
          slice.pipelineYaml(
              settings,
              """
              - {name: quotes, tables: [quotes], partitions: 2}
              - {name: book, tables: ["book.*"], partitions: 2}
              """));
      PipelineConfig config = new ConfigLoader(Map.of()).load(file);
      try (Pipeline pipeline =
          Pipeline.start(
              config, Pipeline.Role.ALL, List.of(), LoadListener.NONE, Optional.of(file))) {
        awaitSame(source, target, "quotes", "id, bid");
        List<ApplyWorker> workers = List.copyOf(pipeline.workers());

        // added to a group's list in the file, as a ConfigMap update does
        Files.writeString(
            file,
            slice.pipelineYaml(
                settings,
                """
                - {name: quotes, tables: [quotes, fills], partitions: 2}
                - {name: book, tables: ["book.*"], partitions: 2}
                """));
        exec(source, "UPDATE fills SET venue = 'moved' WHERE id % 10 = 0");
        awaitSame(source, target, "fills", "id, px, venue");

        // created under a group's pattern
        exec(
            source,
            "CREATE TABLE book.orders (id bigint PRIMARY KEY, qty numeric)",
            "INSERT INTO book.orders SELECT g, g FROM generate_series(1, 500) g");
        exec(source, "UPDATE quotes SET bid = bid + 1 WHERE id <= 10");
        awaitSame(source, target, "book.orders", "id, qty");
        exec(source, "DELETE FROM book.orders WHERE id > 400", "DELETE FROM fills WHERE id > 1900");
        awaitSame(source, target, "book.orders", "id, qty");
        awaitSame(source, target, "fills", "id, px, venue");
        awaitSame(source, target, "quotes", "id, bid");

        assertThat(pipeline.workers())
            .as("apply kept running: the same workers, none failed")
            .isEqualTo(workers)
            .allSatisfy(w -> assertThat(w.failure()).isEmpty());
        assertThat(pipeline.failure()).isEmpty();

        // a change beyond the tables is not taken in while running
        Files.writeString(
            file,
            slice.pipelineYaml(
                settings,
                """
                - {name: quotes, tables: [quotes, fills], partitions: 4}
                - {name: book, tables: ["book.*"], partitions: 2}
                """));
        PipelineConfig changed = new ConfigLoader(Map.of()).load(file);
        assertThat(TableDiscovery.beyondTables(config, changed))
            .containsExactly("group quotes beyond its tables");
      }
    }
  }

  private static void awaitSame(Connection source, Connection target, String table, String cols) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(rows(target, table, cols)).isEqualTo(rows(source, table, cols)));
  }

  private static List<String> rows(Connection c, String table, String cols) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT ROW(" + cols + ")::text FROM " + table + " ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void exec(Connection c, String... sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }
}
