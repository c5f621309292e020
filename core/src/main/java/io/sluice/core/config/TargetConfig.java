package io.sluice.core.config;

/** Where changes go: a PostgreSQL-compatible database (Aurora PostgreSQL in production). */
public record TargetConfig(
    String host, int port, String database, String user, Secret password, int poolSize) {
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }
}
