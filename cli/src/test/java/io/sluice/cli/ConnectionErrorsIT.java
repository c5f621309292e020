package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.config.ConfigLoader;
import io.sluice.core.config.PipelineConfig;
import io.sluice.embedded.EmbeddedInfrastructure;
import io.sluice.embedded.EmbeddedPostgres;
import io.sluice.embedded.TestIsolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refused login says which database refused it and what to set: a wrong source password and a
 * wrong target password no longer print the same line, and a missing password names its variable.
 */
class ConnectionErrorsIT {
  private static EmbeddedInfrastructure infra;

  @BeforeAll
  static void serversThatAskForPasswords() throws Exception {
    infra = EmbeddedInfrastructure.shared().withOwnPostgres("connection errors");
    for (EmbeddedPostgres pg : new EmbeddedPostgres[] {infra.source(), infra.target()}) {
      try (Connection c = pg.connect("postgres");
          Statement st = c.createStatement()) {
        st.execute("CREATE ROLE app LOGIN PASSWORD 'right'");
        Path hba = pg.dataDirectory().resolve("pg_hba.conf");
        Files.writeString(hba, "host all app 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
        st.execute("SELECT pg_reload_conf()");
      }
    }
  }

  @AfterAll
  static void stopServers() {
    if (infra != null) {
      infra.close();
    }
  }

  @Test
  void aWrongSourcePasswordNamesTheSourceAndItsVariable() throws Exception {
    try (TestIsolation slice = TestIsolation.create(infra, "wrong source password")) {
      assertThatThrownBy(
              () -> Pipeline.start(config(slice, Map.of("SLUICE_SOURCE_PASSWORD", "wrong"))))
          .hasMessageContaining("cannot connect to the source database " + slice.sourceDatabase())
          .hasMessageContaining("as app")
          .hasMessageContaining("invalid_password (SQLSTATE 28P01)")
          .hasMessageContaining("SLUICE_SOURCE_PASSWORD");
    }
  }

  @Test
  void aWrongTargetPasswordNamesTheTarget() throws Exception {
    try (TestIsolation slice = TestIsolation.create(infra, "wrong target password")) {
      try (Connection c = slice.connectSource();
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE quotes (id int PRIMARY KEY)");
      }
      assertThatThrownBy(
              () ->
                  Pipeline.start(
                      config(
                          slice,
                          Map.of(
                              "SLUICE_SOURCE_PASSWORD", "right",
                              "SLUICE_TARGET_PASSWORD", "wrong"))))
          .hasMessageContaining("cannot connect to the target database " + slice.targetDatabase())
          .hasMessageContaining("SLUICE_TARGET_PASSWORD");
    }
  }

  @Test
  void aMissingPasswordSaysWhichVariableToSet() throws Exception {
    try (TestIsolation slice = TestIsolation.create(infra, "missing password")) {
      assertThatThrownBy(() -> Pipeline.start(config(slice, Map.of())))
          .hasMessageContaining("cannot connect to the source database")
          .hasMessageContaining("No password is set for the source: set SLUICE_SOURCE_PASSWORD");
    }
  }

  private static PipelineConfig config(TestIsolation slice, Map<String, String> passwords)
      throws Exception {
    Path file =
        TestPipelines.write(
            Path.of("target", "connection-errors-" + slice.id() + ".yaml"),
            slice,
            "- {name: quotes, tables: [quotes], partitions: 1}");
    Map<String, String> env = new HashMap<>(passwords);
    env.put("SLUICE_SOURCE_USER", "app");
    env.put("SLUICE_TARGET_USER", "app");
    return new ConfigLoader(env).load(file);
  }
}
