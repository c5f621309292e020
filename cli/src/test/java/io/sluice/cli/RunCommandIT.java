package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.TestIsolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code sluice run} as a real process: replicates, then stops cleanly on SIGTERM. */
class RunCommandIT {
  @Test
  void runReplicatesAndStopsCleanlyOnSigterm() throws Exception {
    EmbeddedInfrastructure infra = EmbeddedInfrastructure.shared();
    try (TestIsolation slice = TestIsolation.create("run command");
        Connection source = slice.connectSource();
        Connection target = slice.connectTarget()) {
      try (Statement st = source.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY, bid numeric(38,18), venue text)");
        st.execute("INSERT INTO quotes SELECT g, g / 3.0, 'X' || g FROM generate_series(1, 50) g");
      }
      Path config = Path.of("target", "run-it.yaml");
      Files.writeString(
          config,
          """
          pipeline: {name: %s}
          source: {host: %s, port: %d, database: %s, user: postgres}
          target: {host: %s, port: %d, database: %s, user: postgres}
          kafka: {bootstrap-servers: "%s", replication-factor: 1}
          dynamodb: {endpoint: "%s", table-prefix: %s, local-credentials: true}
          groups:
            - {name: quotes, tables: [quotes], partitions: 2}
          """
              .formatted(
                  slice.id(),
                  infra.source().host(),
                  infra.source().port(),
                  slice.sourceDatabase(),
                  infra.target().host(),
                  infra.target().port(),
                  slice.targetDatabase(),
                  infra.kafka().bootstrapServers(),
                  infra.dynamoDb().endpoint(),
                  slice.dynamoDbTablePrefix()));
      Process sluice =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-cp",
                      System.getProperty("java.class.path"),
                      SluiceCommand.class.getName(),
                      "run",
                      "--config",
                      config.toString()))
              .redirectErrorStream(true)
              .redirectOutput(Path.of("target", "run-it.log").toFile())
              .start();
      try {
        try (Statement st = source.createStatement()) {
          st.execute("UPDATE quotes SET venue = 'moved' WHERE id <= 10");
          st.execute("DELETE FROM quotes WHERE id > 40");
        }
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    sluice.isAlive()
                        && count(target, "venue = 'moved'") == 10
                        && count(target, "true") == 40);
      } finally {
        sluice.destroy(); // SIGTERM
      }
      assertThat(sluice.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(sluice.exitValue()).as(Files.readString(Path.of("target", "run-it.log"))).isZero();
      assertThat(Files.readString(Path.of("target", "run-it.log")))
          .contains("stopping pipeline " + slice.id());
    }
  }

  private static long count(Connection c, String where) throws Exception {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM quotes WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      return -1; // the table does not exist until sluice creates it
    }
  }
}
