package io.sluice.cli.drill;

import io.sluice.embedded.EmbeddedInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * The production events a drill injects, each the way it happens to a real deployment, and how it
 * ends. Every one is ridden through by sluice without a person: what each proves is in {@code
 * docs/reliability.md}.
 */
public enum Fault {
  /** The source crashes ({@code pg_ctl stop -m immediate}) and comes back: an RDS reboot. */
  SOURCE_CRASH("source crash") {
    @Override
    Ending inject(Context c) {
      c.infra().source().crash();
      return () -> c.infra().source().restart();
    }
  },
  /** The source shuts down cleanly and starts again: a minor-version upgrade. */
  SOURCE_RESTART("source restart") {
    @Override
    Ending inject(Context c) {
      c.infra().source().stop();
      return () -> c.infra().source().restart();
    }
  },
  /** The target crashes and comes back: an Aurora writer restart. */
  TARGET_CRASH("target crash") {
    @Override
    Ending inject(Context c) {
      c.infra().target().crash();
      return () -> c.infra().target().restart();
    }
  },
  /** The target turns read-only, then writable again: the node an Aurora failover left behind. */
  TARGET_READ_ONLY("target read-only") {
    @Override
    Ending inject(Context c) throws SQLException {
      targetSystem(c, "ALTER SYSTEM SET default_transaction_read_only = on");
      return () -> targetSystem(c, "ALTER SYSTEM RESET default_transaction_read_only");
    }
  },
  /** Every session on the target database is terminated: an idle-session reaper, a proxy. */
  TARGET_SESSIONS_KILLED("target sessions killed") {
    @Override
    Ending inject(Context c) throws SQLException {
      try (Connection admin = c.infra().target().connect("postgres")) {
        exec(
            admin,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                + c.database()
                + "' AND backend_type = 'client backend'");
      }
      return () -> {};
    }
  },
  /** A migration holds a lock on the target's big table while lock timeouts are short. */
  TARGET_LOCK_TIMEOUT("target lock timeout") {
    @Override
    Ending inject(Context c) throws SQLException {
      targetSystem(c, "ALTER SYSTEM SET lock_timeout = '200ms'");
      Connection locker = c.infra().target().connect(c.database());
      locker.setAutoCommit(false);
      exec(locker, "SET lock_timeout = 0");
      exec(locker, "LOCK TABLE fills IN ACCESS EXCLUSIVE MODE");
      return () -> {
        try (locker) {
          locker.rollback();
        }
        targetSystem(c, "ALTER SYSTEM RESET lock_timeout");
      };
    }
  },
  /** The Kafka broker stops and starts again: a rolling restart of a one-broker cluster. */
  KAFKA_RESTART("Kafka broker restart") {
    @Override
    Ending inject(Context c) {
      c.infra().kafka().stop();
      return () -> c.infra().kafka().restart();
    }
  },
  /** DynamoDB cannot be reached for a while, shorter than a lease. */
  DYNAMODB_OUTAGE("DynamoDB outage") {
    @Override
    Ending inject(Context c) {
      c.infra().dynamoDb().interrupt();
      return () -> c.infra().dynamoDb().restore();
    }
  },
  /** A migration: DML, one DDL statement and DML again in one transaction on the source. */
  MIGRATION("migration in a transaction") {
    @Override
    Ending inject(Context c) throws SQLException {
      c.migrations().next(c.random());
      return () -> {};
    }
  };

  /** The part of the deployment each fault hits; a round hits each part at most once. */
  public String component() {
    return switch (this) {
      case SOURCE_CRASH, SOURCE_RESTART, MIGRATION -> "source";
      case TARGET_CRASH, TARGET_READ_ONLY, TARGET_SESSIONS_KILLED, TARGET_LOCK_TIMEOUT -> "target";
      case KAFKA_RESTART -> "kafka";
      case DYNAMODB_OUTAGE -> "dynamodb";
    };
  }

  /** What a drill gives a fault to work with. */
  public record Context(
      EmbeddedInfrastructure infra, String database, Migrations migrations, Random random) {}

  /** Ends a fault: the component comes back, the setting is restored. */
  @FunctionalInterface
  public interface Ending {
    void end() throws Exception;
  }

  private final String description;

  Fault(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** Injects the fault now; the returned ending undoes it. */
  abstract Ending inject(Context c) throws Exception;

  /** Injects the fault (public entry point for the drill). */
  public Ending start(Context c) throws Exception {
    return inject(c);
  }

  /** A server-wide setting changed on the target and loaded by every session. */
  private static void targetSystem(Context c, String alterSystem) throws SQLException {
    try (Connection admin = c.infra().target().connect("postgres")) {
      exec(admin, alterSystem);
      exec(admin, "SELECT pg_reload_conf()");
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
