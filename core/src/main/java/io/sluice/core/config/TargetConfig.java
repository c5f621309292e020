package io.sluice.core.config;

import java.util.OptionalInt;

/**
 * Where changes go: a PostgreSQL-compatible database (Aurora PostgreSQL in production).
 *
 * @param poolSize target connections of each apply worker's pool as configured; empty means each
 *     group's partition count. {@link PipelineConfig#targetPoolSize} gives a group's pool size.
 */
public record TargetConfig(
    String host, int port, String database, String user, Secret password, OptionalInt poolSize) {
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
