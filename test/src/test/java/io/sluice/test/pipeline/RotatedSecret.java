package io.sluice.test.pipeline;

import static io.sluice.test.pipeline.PipelineFixture.exec;

import io.sluice.core.config.CredentialSources;
import io.sluice.core.config.SecretSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A password as Secrets Manager holds it, kept by sluice until the database refuses it (its
 * periodic re-read is tested on its own in the cli module), and the server-side half of a rotation:
 * making a role present its password at all.
 */
final class RotatedSecret implements SecretSource {
  private final AtomicReference<String> stored;
  private final AtomicInteger reads = new AtomicInteger();
  private String kept;

  RotatedSecret(String initial) {
    this.stored = new AtomicReference<>(initial);
  }

  /** The secret's new value, as a rotation stores it after changing the database's. */
  void rotate(String password) {
    stored.set(password);
  }

  /** How often sluice read the secret. */
  int reads() {
    return reads.get();
  }

  @Override
  public synchronized String get() {
    if (kept == null) {
      kept = stored.get();
      reads.incrementAndGet();
    }
    return kept;
  }

  @Override
  public synchronized void renew() {
    kept = null;
  }

  /** Credential sources whose every secret is this one. */
  CredentialSources asSecretsManager() {
    RotatedSecret secret = this;
    return new CredentialSources() {
      @Override
      public SecretSource iamToken(String region, String host, int port, String user) {
        throw new UnsupportedOperationException("these pipelines sign in with a password");
      }

      @Override
      public SecretSource secret(String region, String secretId) {
        return secret;
      }
    };
  }

  /**
   * Makes the server ask {@code role} for its password (the embedded servers trust loopback), for
   * sessions and replication connections alike, until {@link HbaFile#restore()}.
   */
  static HbaFile requirePassword(Connection admin, String role) throws SQLException, IOException {
    Path file;
    try (Statement st = admin.createStatement();
        ResultSet rs = st.executeQuery("SHOW hba_file")) {
      rs.next();
      file = Path.of(rs.getString(1));
    }
    String trusting = Files.readString(file);
    StringBuilder lines = new StringBuilder();
    for (String database : new String[] {"all", "replication"}) {
      for (String address : new String[] {"127.0.0.1/32", "::1/128"}) {
        lines.append("host ").append(database).append(' ').append(role).append(' ');
        lines.append(address).append(" scram-sha-256\n");
      }
    }
    Files.writeString(file, lines + trusting);
    exec(admin, "SELECT pg_reload_conf()");
    return new HbaFile(admin, file, trusting);
  }

  /** A pg_hba.conf changed for a test, and what it said before. */
  record HbaFile(Connection admin, Path file, String before) {
    void restore() throws SQLException, IOException {
      Files.writeString(file, before);
      exec(admin, "SELECT pg_reload_conf()");
    }
  }
}
