package io.sluice.core.config;

import java.util.OptionalInt;

/**
 * Where changes go: a PostgreSQL-compatible database (Aurora PostgreSQL in production).
 *
 * @param poolSize target connections of each apply worker's pool as configured; empty means each
 *     group's partition count. {@link PipelineConfig#targetPoolSize} gives a group's pool size.
 * @param replicaRole apply's sessions set {@code session_replication_role = replica}: the target's
 *     triggers and foreign-key checks do not fire for its writes
 */
public record TargetConfig(
    String host,
    int port,
    String database,
    String user,
    Secret password,
    OptionalInt poolSize,
    boolean replicaRole) {
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
